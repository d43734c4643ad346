// Entry point of the browser app.
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './auth';
import { App } from './app';
import { initTheme } from './theme';
import './styles.css';

initTheme();
adoptTokenFromUrl();
// a new start-up URL pasted into this tab changes only the fragment: no load happens by itself
window.addEventListener('hashchange', () => {
  if (!/^#token=/.test(location.hash)) return;
  adoptTokenFromUrl();
  location.reload();
});
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
