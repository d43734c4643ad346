// Parses rsync's live progress lines. rsync rewrites them in place with '\r', so callers must split
// output on '\r' as well as '\n' before calling this. Pure.
//  --info=progress2:  "      300,001  99%   31.79MB/s    0:00:00 (xfr#2, to-chk=0/5)"
//  --progress:        "         32,768 100%   31.25MB/s    0:00:00 (xfr#1, to-chk=2/4)"
// rsync < 3.1 says "to-check="; during incremental recursion it says "ir-chk=" (total still growing).
import { parseRsyncNumber } from './numbers.js';

export interface RsyncProgress {
  /** bytes transferred so far (the whole run for progress2, the current file for --progress) */
  bytes: number;
  percent: number;
  rateBps: number;
  /** seconds left; null when rsync cannot tell; 0 once a line reports 100 % */
  etaSec: number | null;
  /** files checked so far, and the number known (grows while rsync still scans: ir-chk) */
  filesDone?: number;
  filesTotal?: number;
  /** files transferred so far (xfr#) */
  filesTransferred?: number;
}

/** rsync prints rates in powers of 1024 */
const RATE_UNIT = 1024;
const RATE_POWERS: Record<string, number> = { B: 0, kB: 1, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5 };
const PERCENT_DONE = 100;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

const PROGRESS_LINE =
  /^\s*([\d,.]+[KMGTP]?)\s+(\d{1,3})%\s+([\d.,]+)([kKMGTP]?B)\/s\s+(\d+:\d{2}:\d{2}|\?+:\?+:\?+)(?:\s+\(xfr#(\d+),\s*(ir|to)-che?c?k=(\d+)\/(\d+)\))?\s*$/;

export function parseProgressLine(line: string): RsyncProgress | null {
  // Fast exit for the file-list lines that make up most of a big run's output.
  if (!line.includes('%')) return null;
  const m = PROGRESS_LINE.exec(line);
  if (!m) return null;
  const bytes = parseRsyncNumber(m[1]!);
  if (Number.isNaN(bytes)) return null;
  const percent = Number(m[2]);
  const rateBps = Math.round(Number(m[3]!.replace(/,/g, '')) * RATE_UNIT ** (RATE_POWERS[m[4]!] ?? 0));
  let etaSec: number | null = null;
  if (percent >= PERCENT_DONE) etaSec = 0;
  else if (!m[5]!.includes('?')) {
    const [h, mi, s] = m[5]!.split(':').map(Number) as [number, number, number];
    etaSec = h * SECONDS_PER_HOUR + mi * SECONDS_PER_MINUTE + s;
  }
  const p: RsyncProgress = { bytes, percent, rateBps, etaSec };
  if (m[6] !== undefined) {
    const remaining = Number(m[8]);
    const total = Number(m[9]);
    p.filesTransferred = Number(m[6]);
    p.filesTotal = total;
    p.filesDone = total - remaining;
  }
  return p;
}
