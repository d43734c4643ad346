// Verify (rclone cryptcheck semantics): pair plain files with their encrypted twins, compare
// sizes, then re-encrypt each plain file with the nonce stored in its twin's header and compare
// the bytes. Nothing is decrypted; nothing is written.
import { performance } from 'node:perf_hooks';
import { CancelledError } from '../util/errors.js';
import { scanCatalogTable, matchKey, FolderGroups, IndexList, type FileTable } from '../tree/index.js';
import { buildFilter, type FilterOptions } from './filter.js';
import { checkCatalogKey } from './catalog-guards.js';
import { TransferPool } from './transfer-pool.js';
import { startPlainScan, plainScanResult } from './plain-scan-thread.js';
import type { VerifyJob } from './transfer-job.js';
import { RunReporter, type CryptDest, type RunControl } from './events.js';

export interface VerifyResult {
  matching: number;
  differing: string[];
  missingOnDest: string[];
  missingOnSource: string[];
  errors: number;
  durationMs: number;
}

export async function verifyCatalog(o: RunControl & { plain: string; dest: CryptDest; filter?: FilterOptions; transfers?: number }): Promise<VerifyResult> {
  const t0 = performance.now();
  const rep = new RunReporter(o.onEvent);
  const filter = await buildFilter(o.filter);
  const common = {
    ...(filter ? { filter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onWarning: (i: { path: string; code: string; message: string }) => rep.warn(i.path, i.code, i.message),
    onError: (i: { path: string; code: string; message: string }) => rep.error(i.path, i.code, i.message),
  };
  // the plain folder is listed on a second core (plain-scan-thread.ts), as for encrypt
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const plainJob = startPlainScan({ source: o.plain, copyLinks: false, filter: o.filter }, Promise.resolve(filter), stop.signal);
  const [src, dst] = await Promise.all([plainScanResult(plainJob, o.signal, (q) => rep[q.fn](q.issue.path, q.issue.code, q.issue.message)), scanCatalogTable(o.dest.root, o.dest.cipher, common)]).finally(() => {
    stop.abort();
    o.signal?.removeEventListener('abort', onAbort);
  });
  await checkCatalogKey(o.dest, dst);
  const res: VerifyResult = { matching: 0, differing: [], missingOnDest: [], missingOnSource: [], errors: 0, durationMs: 0 };
  const sf = src.files;
  const df = dst.files;
  // pairs by NFC path, folder by folder: one folder's names in a map at a time
  const pairs = { src: new IndexList(), dst: new IndexList() };
  let bytes = 0;
  const srcFolders = foldersByKey(sf);
  const dstFolders = foldersByKey(df);
  const srcGroups = new FolderGroups(sf);
  const dstGroups = new FolderGroups(df);
  for (const [key, folders] of srcFolders) {
    const dstByName = new Map<string, number>();
    for (const f of dstFolders.get(key) ?? []) for (const j of dstGroups.files(f)) dstByName.set(matchKey(df.name(j)), j);
    const srcNames = new Set<string>();
    for (const f of folders) {
      for (const i of srcGroups.files(f)) {
        const nk = matchKey(sf.name(i));
        srcNames.add(nk);
        const j = dstByName.get(nk);
        if (j === undefined) {
          res.missingOnDest.push(sf.std(i));
          continue;
        }
        if (df.size[j] !== sf.size[i]) {
          res.differing.push(sf.std(i));
          rep.error(sf.std(i), 'SIZES_DIFFER', `sizes differ: plain ${sf.size[i]}, encrypted holds ${df.size[j]}`);
          continue;
        }
        pairs.src.push(i);
        pairs.dst.push(j);
        bytes += sf.size[i] as number;
      }
    }
    for (const f of dstFolders.get(key) ?? []) for (const j of dstGroups.files(f)) if (!srcNames.has(matchKey(df.name(j)))) res.missingOnSource.push(df.std(j));
  }
  for (const [key, folders] of dstFolders) {
    if (srcFolders.has(key)) continue;
    for (const f of folders) for (const j of dstGroups.files(f)) res.missingOnSource.push(df.std(j));
  }
  for (const p of res.missingOnDest) rep.error(p, 'MISSING_ON_DEST', 'not in the encrypted catalog');
  for (const p of res.missingOnSource) rep.error(p, 'MISSING_ON_SOURCE', 'not in the plain folder');

  if (pairs.src.length > 0) {
    const pool = new TransferPool(o.dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes, files: pairs.src.length });
    try {
      await pool.runIndexed(
        pairs.src.length,
        (k) => sf.size[pairs.src.at(k)] as number,
        (k): VerifyJob => {
          const i = pairs.src.at(k);
          return { kind: 'verify', plain: `${o.plain}/${sf.disk(i)}`, enc: `${o.dest.root}/${df.disk(pairs.dst.at(k))}`, name: sf.std(i) };
        },
        (k, r) => {
          const name = sf.std(pairs.src.at(k));
          if (!r.ok) rep.error(name, r.code, r.message);
          else if (r.same) res.matching++;
          else {
            res.differing.push(name);
            rep.error(name, 'HASHES_DIFFER', 'contents differ');
          }
        },
        o.signal,
      );
    } finally {
      await pool.close();
    }
  }
  if (o.signal?.aborted) throw new CancelledError();
  res.differing.sort();
  res.missingOnDest.sort();
  res.missingOnSource.sort();
  res.errors = rep.errors - res.differing.length - res.missingOnDest.length - res.missingOnSource.length;
  res.durationMs = Math.round(performance.now() - t0);
  return res;
}

/** folder key (NFC) -> the table's folders with that key that hold files */
function foldersByKey(t: FileTable): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const holds = new Uint8Array(t.folderStd.length);
  for (let i = 0; i < t.count; i++) holds[t.parent[i] as number] = 1;
  t.folderStd.forEach((std, f) => {
    if (holds[f] === 0) return;
    const key = matchKey(std);
    const list = out.get(key);
    if (list) list.push(f);
    else out.set(key, [f]);
  });
  return out;
}
