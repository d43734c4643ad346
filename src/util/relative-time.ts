// A time span in words, as the task table and `cryptsync status` show it: "in 3 h 12 min",
// "2 d 4 h ago", "in 40 s". Two units at most, rounded down. (The web UI has its own copy in
// web/src/format.ts: it imports nothing from src at run time.)
const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

export function spanWords(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(`${n} ${unit}`);
      rest -= n * size;
    }
    if (parts.length === 2 || (parts.length === 1 && unit !== 'd' && unit !== 'h')) break;
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

/** "in 3 h 12 min" for a future instant, "3 h 12 min ago" for a past one. */
export function relativeWords(iso: string, now: Date = new Date()): string {
  const d = Date.parse(iso) - now.getTime();
  return d >= 0 ? `in ${spanWords(d)}` : `${spanWords(-d)} ago`;
}
