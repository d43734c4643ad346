// Worker thread entry for the plain-folder scan of an encrypt run: lists the folder on the second
// core while the main thread derives the key and scans the encrypted catalog. Posts one message
// (the scan and its issues in order, or a failure) and ends. Never writes, never sees a key.
import { parentPort, workerData } from 'node:worker_threads';
import { scanPlainTree, type ScanIssue } from '../tree/plain-scan.js';
import { buildFilter } from './filter.js';
import { packEntries, type PlainScanRequest, type PlainScanReply } from './plain-scan-thread.js';

async function main(req: PlainScanRequest): Promise<PlainScanReply> {
  const issues: { fn: 'warn' | 'error'; issue: ScanIssue }[] = [];
  try {
    const filter = await buildFilter(req.filter);
    const scan = await scanPlainTree(req.source, {
      copyLinks: req.copyLinks,
      ...(filter ? { filter } : {}),
      onWarning: (issue) => issues.push({ fn: 'warn', issue }),
      onError: (issue) => issues.push({ fn: 'error', issue }),
    });
    return { ok: true, files: packEntries(scan.files), dirs: packEntries(scan.dirs), errors: scan.errors, issues };
  } catch {
    // the caller repeats the scan on its own thread and gets the real error there
    return { ok: false };
  }
}

function buffersOf(reply: PlainScanReply): ArrayBuffer[] {
  if (!reply.ok) return [];
  return [reply.files, reply.dirs].flatMap((p) => [p.sizes, p.mtimeSecs, p.mtimeNsecs]).map((a) => a.buffer as ArrayBuffer);
}

void main(workerData as PlainScanRequest).then((reply) => parentPort?.postMessage(reply, buffersOf(reply)));
