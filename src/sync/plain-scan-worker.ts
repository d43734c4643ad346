// Worker thread entry for the plain-folder scan of an encrypt run: lists the folder on the second
// core while the main thread derives the key and scans the encrypted catalog. Posts one message
// (the scan and its issues in order, or a failure) and ends. Never writes, never sees a key.
import { parentPort, workerData } from 'node:worker_threads';
import { scanPlainTable, type ScanIssue } from '../tree/plain-scan.js';
import { FileTable } from '../tree/file-table.js';
import { buildFilter } from './filter.js';
import { packEntries, type PlainScanRequest, type PlainScanReply } from './plain-scan-thread.js';

async function main(req: PlainScanRequest): Promise<PlainScanReply> {
  const issues: { fn: 'warn' | 'error'; issue: ScanIssue }[] = [];
  try {
    const filter = await buildFilter(req.filter);
    const scan = await scanPlainTable(req.source, {
      copyLinks: req.copyLinks,
      ...(filter ? { filter } : {}),
      onWarning: (issue) => issues.push({ fn: 'warn', issue }),
      onError: (issue) => issues.push({ fn: 'error', issue }),
    });
    return { ok: true, files: scan.files.pack(), dirs: packEntries(scan.dirs), errors: scan.errors, issues };
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
