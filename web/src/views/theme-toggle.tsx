// The light/dark switch in the top bar: a toggle button, pressed while the dark palette is on.
import { useState } from 'react';
import { currentTheme, toggleTheme, type Theme } from '../theme';

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(currentTheme());
  return (
    <button type="button" className="theme-toggle" data-testid="theme-toggle" aria-pressed={theme === 'dark'} title="light or dark colours (default: as the system)" onClick={() => setTheme(toggleTheme())}>
      Dark mode
    </button>
  );
}
