// Parses the block rsync prints for --stats. Pure. Handles rsync 3.0 wording ("Number of files
// transferred"), 3.1+ wording ("Number of regular files transferred", created/deleted counts with
// a per-type breakdown), thousands separators and -h unit suffixes.
import { parseRsyncNumber } from './numbers.js';

export interface RsyncStats {
  filesTotal: number;
  filesCreated: number;
  filesDeleted: number;
  filesTransferred: number;
  regularFilesTransferred?: number;
  totalFileSize: number;
  totalTransferredFileSize: number;
  literalData?: number;
  bytesSent?: number;
  bytesReceived?: number;
  speedup?: number;
  /** the "(reg: 3, dir: 2)" breakdowns, when rsync prints them */
  filesByType?: Record<string, number>;
  createdByType?: Record<string, number>;
  deletedByType?: Record<string, number>;
  /** the summary said (DRY RUN) */
  dryRun?: boolean;
}

/** Returns null when the output has no stats block (e.g. rsync failed before the end). */
export function parseStats(output: string): RsyncStats | null {
  const lines = output.split(/\r?\n|\r/);
  // The last block wins: a tail may hold more than one run's output only by mistake, but be safe.
  let start = -1;
  lines.forEach((l, i) => {
    if (/^Number of files:/.test(l)) start = i;
  });
  if (start < 0) return null;
  const field = new Map<string, string>();
  let speedup: number | undefined;
  let dryRun = false;
  for (const line of lines.slice(start)) {
    const kv = /^([A-Z][A-Za-z ]+?):\s+(.*)$/.exec(line);
    if (kv) field.set(kv[1]!.toLowerCase(), kv[2]!.trim());
    const su = /^total size is\s+(\S+)\s+speedup is\s+(\S+)(\s+\(DRY RUN\))?/.exec(line);
    if (su) {
      speedup = parseRsyncNumber(su[2]!);
      dryRun = su[3] !== undefined;
    }
  }
  const files = countWithBreakdown(field.get('number of files'));
  if (!files) return null;
  const created = countWithBreakdown(field.get('number of created files'));
  const deleted = countWithBreakdown(field.get('number of deleted files'));
  const regular = leadingNumber(field.get('number of regular files transferred'));
  const transferred = regular ?? leadingNumber(field.get('number of files transferred')) ?? 0;
  const s: RsyncStats = {
    filesTotal: files.count,
    filesCreated: created?.count ?? 0,
    filesDeleted: deleted?.count ?? 0,
    filesTransferred: transferred,
    totalFileSize: leadingNumber(field.get('total file size')) ?? 0,
    totalTransferredFileSize: leadingNumber(field.get('total transferred file size')) ?? 0,
  };
  if (regular !== undefined) s.regularFilesTransferred = regular;
  setIfNumber(s, 'literalData', leadingNumber(field.get('literal data')));
  setIfNumber(s, 'bytesSent', leadingNumber(field.get('total bytes sent')));
  setIfNumber(s, 'bytesReceived', leadingNumber(field.get('total bytes received')));
  setIfNumber(s, 'speedup', speedup);
  if (files.byType) s.filesByType = files.byType;
  if (created?.byType) s.createdByType = created.byType;
  if (deleted?.byType) s.deletedByType = deleted.byType;
  if (dryRun) s.dryRun = true;
  return s;
}

function setIfNumber(s: RsyncStats, key: 'literalData' | 'bytesSent' | 'bytesReceived' | 'speedup', v: number | undefined): void {
  if (v !== undefined && !Number.isNaN(v)) s[key] = v;
}

function leadingNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([\d,]+(?:\.\d+)?[KMGTP]?)/.exec(text);
  if (!m) return undefined;
  const n = parseRsyncNumber(m[1]!);
  return Number.isNaN(n) ? undefined : n;
}

/** "5 (reg: 3, dir: 2)" -> {count: 5, byType: {reg: 3, dir: 2}} */
function countWithBreakdown(text: string | undefined): { count: number; byType?: Record<string, number> } | undefined {
  const count = leadingNumber(text);
  if (count === undefined || text === undefined) return undefined;
  const inner = /\(([^)]*)\)/.exec(text);
  if (!inner) return { count };
  const byType: Record<string, number> = {};
  for (const part of inner[1]!.split(',')) {
    const m = /^\s*([a-z]+):\s*([\d,.]+[KMGTP]?)\s*$/.exec(part);
    if (m) byType[m[1]!] = parseRsyncNumber(m[2]!);
  }
  return { count, byType };
}
