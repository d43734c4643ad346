// Counts what a run did (or a dry run would do) from --itemize-changes lines, e.g.
//   ">f+++++++++ a.txt" new file received, "<f.st...... b" changed file sent, "cd+++++++++ sub/"
//   new folder, "*deleting   old.txt" deletion, ".d..t...... ./" attributes only.
// Pure. Counts are of non-folder entries (files, links, devices); folders are counted apart.
import { parseStats, type RsyncStats } from './stats.js';

export interface ItemizeCounts {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  newDirs: number;
  deletedDirs: number;
  /** entries whose data is unchanged but whose attributes (time, mode, owner) are updated */
  attributeOnly: number;
}

export interface RsyncEstimate {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  /** bytes of file data that would be sent (the stats' total transferred file size) */
  bytes: number;
  newDirs?: number;
  deletedDirs?: number;
  /** where the counts came from: the itemized lines, or only the stats when -i was not used */
  source: 'itemize' | 'stats' | 'none';
  stats: RsyncStats | null;
}

/** update type, file type, then 9 attribute letters (c s t p o g u a x) */
const ITEM_LINE = /^([<>ch.])([fdLDS])([.+ ?a-zA-Z]{9}) (.+)$/;
const DELETE_LINE = /^\*deleting\s+(.+)$/;

export function emptyItemizeCounts(): ItemizeCounts {
  return { newFiles: 0, changedFiles: 0, deletedFiles: 0, newDirs: 0, deletedDirs: 0, attributeOnly: 0 };
}

/** Adds one output line to the counts; returns false when the line is not an itemized entry. */
export function countItemizedLine(counts: ItemizeCounts, line: string): boolean {
  const del = DELETE_LINE.exec(line);
  if (del) {
    if (del[1]!.endsWith('/')) counts.deletedDirs++;
    else counts.deletedFiles++;
    return true;
  }
  const m = ITEM_LINE.exec(line);
  if (!m) return false;
  const [, update, type, attrs] = m as unknown as [string, string, string, string];
  const isNew = /^\++$/.test(attrs);
  if (type === 'd') {
    if (isNew) counts.newDirs++;
    else counts.attributeOnly++;
    return true;
  }
  if (isNew) counts.newFiles++;
  else if (update === '.') counts.attributeOnly++;
  else counts.changedFiles++;
  return true;
}

/** What a `--dry-run --stats` (ideally with --itemize-changes) would do. */
export function estimateFromDryRun(output: string): RsyncEstimate {
  const counts = emptyItemizeCounts();
  let itemized = 0;
  for (const line of output.split(/\r?\n|\r/)) if (countItemizedLine(counts, line)) itemized++;
  const stats = parseStats(output);
  const bytes = stats?.totalTransferredFileSize ?? 0;
  if (itemized > 0) {
    return { ...pick(counts), newDirs: counts.newDirs, deletedDirs: counts.deletedDirs, bytes, source: 'itemize', stats };
  }
  if (stats) {
    // Without -i the stats still say how many regular files were created and transferred.
    const createdReg = stats.createdByType?.reg ?? stats.filesCreated;
    const deletedReg = stats.deletedByType?.reg ?? stats.filesDeleted;
    return {
      newFiles: createdReg,
      changedFiles: Math.max(0, stats.filesTransferred - createdReg),
      deletedFiles: deletedReg,
      bytes,
      source: 'stats',
      stats,
    };
  }
  return { newFiles: 0, changedFiles: 0, deletedFiles: 0, bytes: 0, source: 'none', stats: null };
}

function pick(c: ItemizeCounts): Pick<ItemizeCounts, 'newFiles' | 'changedFiles' | 'deletedFiles'> {
  return { newFiles: c.newFiles, changedFiles: c.changedFiles, deletedFiles: c.deletedFiles };
}
