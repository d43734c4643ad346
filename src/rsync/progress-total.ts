// A total for rsync's --info=progress2 that does not jump. rsync prints the bytes done and a whole
// percent (truncated), not the total; bytes*100/percent swings wildly at low percents (1 % of a
// 500 MiB job reads as anything from 250 to 500 MiB). Each line bounds the true total to an
// interval; the intersection of the intervals narrows as bytes grow, and its middle is the total
// shown. While rsync still scans (ir-chk) the total may grow: a line outside the interval starts a
// new one. The shown total never falls below the bytes done. Pure.
import type { RsyncProgress } from './progress.js';

export interface TotalState {
  lo: number;
  hi: number;
}

export const NO_TOTAL: TotalState = { lo: 0, hi: Number.POSITIVE_INFINITY };

/** a total is shown once hi/lo is at most 1 + this (from 4 % on): its middle is then at most 12.5 % off */
const MAX_SPREAD = 0.25;

/** the interval a line allows for the total: bytes/total*100 lies in [percent, percent + 1) */
function lineBounds(p: RsyncProgress): TotalState | null {
  if (p.percent <= 0 || p.bytes <= 0) return null;
  if (p.percent >= 100) return { lo: p.bytes, hi: p.bytes };
  return { lo: (p.bytes * 100) / (p.percent + 1), hi: (p.bytes * 100) / p.percent };
}

/** the next state and the total to show (0 while rsync has said nothing to go on) */
export function nextTotal(s: TotalState, p: RsyncProgress): { state: TotalState; total: number } {
  const b = lineBounds(p);
  let state = s;
  if (b) {
    const lo = Math.max(s.lo, b.lo);
    const hi = Math.min(s.hi, b.hi);
    state = lo <= hi ? { lo, hi } : b;
  }
  // too wide an interval (the first percents) would show a total that moves a lot: none yet
  if (!Number.isFinite(state.hi) || state.hi - state.lo > state.lo * MAX_SPREAD) return { state, total: 0 };
  return { state, total: Math.max(p.bytes, Math.round((state.lo + state.hi) / 2)) };
}

/** the file an --itemize-changes line names ("<f+++++++++ photos/a.jpg"), or null */
export function itemizedPath(line: string): string | null {
  const m = /^[<>ch.][fdLDS][.+?a-zA-Z]{9} (.+)$/.exec(line);
  return m ? (m[1] as string) : null;
}
