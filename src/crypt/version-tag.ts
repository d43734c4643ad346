// rclone's version tags (lib/version, spec section 3.2): "-vYYYY-MM-DD-HHMMSS-mmm" directly before
// the extension of the last path segment is kept out of name encryption and put back after it.

const TAG_SEARCH = /-v\d{4}-\d{2}-\d{2}-\d{6}-\d{3}/;
const TAG_EXACT = /^-v(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})$/;
export const VERSION_TAG_LENGTH = 23;

/** Splits at the last '.'; a name whose only '.' is the first character has no extension. */
export function splitExt(name: string): { base: string; ext: string } {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  if (dot <= slash) return { base: name, ext: '' };
  const base = name.slice(0, dot);
  const ext = name.slice(dot);
  return base === '' ? { base: ext, ext: '' } : { base, ext };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isValidTag(tag: string): boolean {
  const m = TAG_EXACT.exec(tag);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59;
}

/** The segment without its version tag, and the tag; or null when it carries no valid tag. */
export function removeVersionTag(segment: string): { rest: string; tag: string } | null {
  if (!TAG_SEARCH.test(segment)) return null;
  const { base, ext } = splitExt(segment);
  if (base.length < VERSION_TAG_LENGTH) return null;
  const tag = base.slice(base.length - VERSION_TAG_LENGTH);
  if (!isValidTag(tag)) return null;
  return { rest: base.slice(0, base.length - VERSION_TAG_LENGTH) + ext, tag };
}

export function addVersionTag(segment: string, tag: string): string {
  const { base, ext } = splitExt(segment);
  return base + tag + ext;
}
