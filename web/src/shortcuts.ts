// Keyboard shortcuts of the task table (RsyncOSX: ⌘R run, ⌘T estimate all, ⌘B run all with
// changes). Ctrl on Linux/Windows, ⌘ on macOS. Browsers keep Ctrl+T (new tab) for themselves and
// may keep Ctrl+B, so every one also answers to Alt (⌥ on macOS), and the buttons show the
// combination that always reaches the page.
export type Shortcut = 'execute' | 'estimate-all' | 'run-changed' | 'up' | 'down' | 'estimate' | 'escape';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = IS_MAC ? '⌘' : 'Ctrl+';
export const ALT = IS_MAC ? '⌥' : 'Alt+';

/** the run shortcuts, by the letter they share in both forms */
const LETTER = { execute: 'R', 'estimate-all': 'T', 'run-changed': 'B' } as const;
type RunShortcut = keyof typeof LETTER;

/** what a button shows: Ctrl+R reaches the page, Ctrl+T/B may not, so those show Alt */
export function keyLabel(s: RunShortcut): string {
  return s === 'execute' ? `${MOD}${LETTER[s]}` : `${ALT}${LETTER[s]}`;
}

/** aria-keyshortcuts: every combination that works */
export function ariaKeys(s: RunShortcut): string {
  return `${IS_MAC ? 'Meta' : 'Control'}+${LETTER[s]} Alt+${LETTER[s]}`;
}

export function shortcutOf(e: KeyboardEvent): Shortcut | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if (e.key === 'Escape') return 'escape';
  if ((mod || e.altKey) && !e.shiftKey && !(mod && e.altKey)) {
    // e.code: ⌥T on macOS types "†", the physical key is still T
    const letter = e.code.startsWith('Key') ? e.code.slice(3) : k.toUpperCase();
    const hit = (Object.keys(LETTER) as RunShortcut[]).find((s) => LETTER[s] === letter);
    return hit ?? null;
  }
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
