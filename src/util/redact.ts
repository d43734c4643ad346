// Passwords written into URLs (https://user:password@host) must not reach logs, the run log or
// the UI when a program echoes its configuration back in an error message.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]+)@/gi;

export function redactUrlPasswords(text: string): string {
  return text.replace(URL_USERINFO, '$1$2:***@');
}
