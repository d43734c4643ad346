// The page's access token. The start-up URL carries it in the fragment (#token=…), which the
// browser never sends to any server; on load it moves into sessionStorage (this exact origin,
// port included, this tab only) and the fragment is removed from the address bar and history.
// It is sent only as the Authorization header of same-origin API calls; never in a cookie, a URL
// or a log.
const STORAGE_KEY = 'cryptsync-token';
const FRAGMENT = /^#token=([A-Za-z0-9_-]+)$/;

/** Call once, before the first API call. */
export function adoptTokenFromUrl(): void {
  const m = FRAGMENT.exec(window.location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(STORAGE_KEY, m[1] as string);
  } catch {
    /* storage disabled: the page will show "signed out" */
  }
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
}

export function accessToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Headers for an API call: the bearer token when the tab has one. */
export function authHeaders(): Record<string, string> {
  const t = accessToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}
