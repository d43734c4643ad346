// The names of snapshot folders under a snapshot task's root: dated `YYYY-MM-DDTHHMMSSZ` (UTC, the
// run's start; `-2`, `-3`… when that second is taken), the old numbered `1, 2, 3…` of RsyncOSX,
// and the one temporary name a run writes into before it renames the finished snapshot into place.
// Pure: no file system, no network. Every name that reaches a server command passes isSnapshotName
// or is PARTIAL_NAME, so no path made from a name can leave the snapshot root.

/** dated snapshot folder: 2026-12-02T023000Z, or 2026-12-02T023000Z-2 for a second run in that second */
const DATED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-([1-9]\d{0,2}))?$/;
/** RsyncOSX's numbered snapshot folder */
const NUMBERED = /^[1-9]\d{0,8}$/;

/** The folder a run writes into; renamed to its dated name only after rsync exited 0. Never listed. */
export const PARTIAL_NAME = '.cryptsync-partial';

export interface SnapshotName {
  name: string;
  /** the UTC time in a dated name; null for a numbered folder */
  time: Date | null;
  /** the number of a numbered folder */
  number?: number;
  /** 1 for a plain dated name, 2, 3… for its uniqueness suffix */
  seq: number;
}

/** The dated name of a snapshot started at `at` (seconds, UTC). */
export function datedName(at: Date): string {
  const iso = at.toISOString(); // 2026-12-02T02:30:00.000Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The snapshot a folder name stands for, or null when it is no snapshot (the partial folder, other files). */
export function parseSnapshotName(name: string): SnapshotName | null {
  const d = DATED.exec(name);
  if (d) {
    const [y, mo, da, h, mi, s] = d.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const time = new Date(Date.UTC(y, mo - 1, da, h, mi, s));
    // 2026-02-30 rolls over in Date.UTC: not a real date, not our name
    if (time.getUTCMonth() !== mo - 1 || time.getUTCDate() !== da || h > 23 || mi > 59 || s > 59) return null;
    return { name, time, seq: d[7] === undefined ? 1 : Number(d[7]) };
  }
  if (NUMBERED.test(name)) return { name, time: null, number: Number(name), seq: 1 };
  return null;
}

export function isSnapshotName(name: string): boolean {
  return parseSnapshotName(name) !== null;
}

/**
 * Oldest first: numbered folders (RsyncOSX's, written before any dated one) by number, then dated
 * ones by time and suffix.
 */
export function compareSnapshotNames(a: SnapshotName, b: SnapshotName): number {
  if (a.time === null || b.time === null) {
    if (a.time !== null) return 1;
    if (b.time !== null) return -1;
    return (a.number ?? 0) - (b.number ?? 0);
  }
  return a.time.getTime() - b.time.getTime() || a.seq - b.seq;
}

/** The dated name for a run started at `at` that no existing folder has (suffix -2, -3… if needed). */
export function uniqueDatedName(at: Date, existing: ReadonlySet<string>): string {
  const base = datedName(at);
  if (!existing.has(base)) return base;
  for (let i = 2; i < 1000; i++) if (!existing.has(`${base}-${i}`)) return `${base}-${i}`;
  throw new Error(`more than 999 snapshots named ${base}`);
}
