// Keyboard shortcuts of the task table (RsyncOSX: ⌘R execute, ⌘T estimate all, ⌘B run all
// with changes). Ctrl on Linux/Windows, ⌘ on macOS; Alt+T / Alt+B as well, because some
// browsers keep Ctrl+T for themselves.
export type Shortcut = 'execute' | 'estimate-all' | 'run-changed' | 'up' | 'down' | 'estimate' | 'escape';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = IS_MAC ? '⌘' : 'Ctrl+';

export function shortcutOf(e: KeyboardEvent): Shortcut | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if (e.key === 'Escape') return 'escape';
  if (mod && !e.shiftKey && !e.altKey && k === 'r') return 'execute';
  if ((mod || e.altKey) && k === 't') return 'estimate-all';
  if ((mod || e.altKey) && k === 'b') return 'run-changed';
  if (mod || e.altKey) return null;
  if (e.key === 'ArrowDown') return 'down';
  if (e.key === 'ArrowUp') return 'up';
  if (k === 'e' && !e.shiftKey) return 'estimate';
  return null;
}

/** Typing into a field must not move the table selection or start runs. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
