// Human formats for numbers the UI shows: sizes, rates, durations, dates. `bytes` is the page's one
// byte formatter (the CLI has its own, src/util/human-bytes.ts; the page talks to the server over HTTP only).
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function rate(bps: number): string {
  return bps > 0 ? `${bytes(bps)}/s` : '–';
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function eta(sec: number | null): string {
  return sec === null ? '–' : duration(sec * 1000);
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function pct(part: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((part / total) * 100)) : 0;
}

const SPAN_UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** "3 h 12 min", "2 d 4 h", "40 s": two units at most (the CLI's copy: src/util/relative-time.ts) */
export function span(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const [unit, size] of SPAN_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${unit}`);
      rest -= n * size;
    }
    if (parts.length === 2 || (parts.length === 1 && unit !== 'd' && unit !== 'h')) break;
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

/** "in 3 h 12 min" for a future instant, "3 h 12 min ago" for a past one */
export function relative(iso: string, now = Date.now()): string {
  const d = Date.parse(iso) - now;
  return d >= 0 ? `in ${span(d)}` : `${span(-d)} ago`;
}
