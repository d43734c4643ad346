// Number formats rsync prints: plain, with thousands separators (3.1+ default), or with -h unit
// suffixes (1.23K / 4.56M). Pure.

/** -h (human-readable level 2) prints powers of 1000 with these suffixes */
const HUMAN_UNIT = 1000;
const SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P'];

/** Parses '1,234,567', '1.234.567' is NOT accepted (ambiguous), '300.01K', '42'. NaN if not a number. */
export function parseRsyncNumber(text: string): number {
  const m = /^([\d,]+(?:\.\d+)?)([KMGTP]?)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const value = Number(m[1]!.replace(/,/g, ''));
  const power = SUFFIXES.indexOf(m[2]!);
  return power <= 0 ? value : Math.round(value * HUMAN_UNIT ** power);
}
