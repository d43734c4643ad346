// Light or dark: the system's colour scheme (prefers-color-scheme) unless the user picked one
// with the toggle, which is remembered in this browser. The choice is the `data-theme`
// attribute of <html>; styles.css holds both palettes.
export type Theme = 'light' | 'dark';

const KEY = 'cryptsync.theme';
const query = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

function saved(): Theme | null {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : null;
}

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function apply(t: Theme): void {
  document.documentElement.dataset.theme = t;
}

/** Sets the theme at start-up and follows the system while the user has not picked one. */
export function initTheme(): void {
  apply(saved() ?? (query().matches ? 'dark' : 'light'));
  query().addEventListener('change', (e) => {
    if (saved() === null) apply(e.matches ? 'dark' : 'light');
  });
}

/** The toggle: switches and remembers the choice. */
export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(KEY, next);
  apply(next);
  return next;
}
