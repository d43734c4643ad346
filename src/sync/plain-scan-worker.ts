// Worker thread entry for the plain-folder scan of an encrypt run: lists the folder on the second
// core while the main thread derives the key and scans the encrypted catalog. Posts the files in
// parts as they are found, then one message (the rest, the folders and the issues in order, or a
// failure) and ends. Never writes, never sees a key.
import { parentPort, workerData } from 'node:worker_threads';
import { scanPlainTable, type ScanIssue } from '../tree/plain-scan.js';
import { FileTable } from '../tree/file-table.js';
import { buildFilter } from './filter.js';
import { packEntries, PART_ROWS, type PlainScanRequest, type PlainScanReply, type PlainScanPart } from './plain-scan-thread.js';

async function main(req: PlainScanRequest): Promise<PlainScanReply> {
  const issues: { fn: 'warn' | 'error'; issue: ScanIssue }[] = [];
  try {
    const filter = await buildFilter(req.filter);
    const scan = await scanPlainTable(req.source, {
      copyLinks: req.copyLinks,
      ...(filter ? { filter } : {}),
      onWarning: (issue) => issues.push({ fn: 'warn', issue }),
      onError: (issue) => issues.push({ fn: 'error', issue }),
      // parts go out as they fill, so this thread never holds the whole table
      parts: { rows: PART_ROWS, take: (part) => parentPort?.postMessage({ part } satisfies PlainScanPart, FileTable.buffersOf(part)) },
    });
    return { ok: true, files: scan.files.takePart(), dirs: packEntries(scan.dirs), errors: scan.errors, issues };
  } catch {
    // the caller repeats the scan on its own thread and gets the real error there
    return { ok: false };
  }
}

function buffersOf(reply: PlainScanReply): ArrayBuffer[] {
  if (!reply.ok) return [];
  return [...FileTable.buffersOf(reply.files), ...[reply.dirs.sizes, reply.dirs.mtimeSecs, reply.dirs.mtimeNsecs].map((a) => a.buffer as ArrayBuffer)];
}

void main(workerData as PlainScanRequest).then((reply) => parentPort?.postMessage(reply, buffersOf(reply)));
