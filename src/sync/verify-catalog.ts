// Verify (rclone cryptcheck semantics): pair plain files with their encrypted twins, compare
// sizes, then re-encrypt each plain file with the nonce stored in its twin's header and compare
// the bytes. Nothing is decrypted; nothing is written.
import { performance } from 'node:perf_hooks';
import { CancelledError } from '../util/errors.js';
import { scanPlainTree, scanCatalog, matchKey, type CatalogEntry } from '../tree/index.js';
import { buildFilter, type FilterOptions } from './filter.js';
import { isReservedName } from '../util/reserved-name.js';
import { checkCatalogKey } from './catalog-guards.js';
import { TransferPool } from './transfer-pool.js';
import type { TransferJob, VerifyJob } from './transfer-job.js';
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
  const [src, dst] = await Promise.all([scanPlainTree(o.plain, common), scanCatalog(o.dest.root, o.dest.cipher, common)]);
  await checkCatalogKey(o.dest, dst);
  const res: VerifyResult = { matching: 0, differing: [], missingOnDest: [], missingOnSource: [], errors: 0, durationMs: 0 };
  const dstFiles = new Map<string, CatalogEntry>();
  // the catalog's manifest (util/reserved-name.ts) has no plain twin
  dst.files = dst.files.filter((f) => !isReservedName(f.std));
  for (const f of dst.files) dstFiles.set(matchKey(f.std), f);
  const seen = new Set<string>();
  const jobs: VerifyJob[] = [];
  const sizes = new Map<TransferJob, number>();
  for (const f of src.files) {
    const key = matchKey(f.std);
    seen.add(key);
    const d = dstFiles.get(key);
    if (!d) {
      res.missingOnDest.push(f.std);
      continue;
    }
    if (d.size !== f.size) {
      res.differing.push(f.std);
      rep.error(f.std, 'SIZES_DIFFER', `sizes differ: plain ${f.size}, encrypted holds ${d.size}`);
      continue;
    }
    const job: VerifyJob = { kind: 'verify', plain: `${o.plain}/${f.disk}`, enc: `${o.dest.root}/${d.disk}`, name: f.std };
    jobs.push(job);
    sizes.set(job, f.size);
  }
  for (const f of dst.files) if (!seen.has(matchKey(f.std))) res.missingOnSource.push(f.std);
  for (const p of res.missingOnDest) rep.error(p, 'MISSING_ON_DEST', 'not in the encrypted catalog');
  for (const p of res.missingOnSource) rep.error(p, 'MISSING_ON_SOURCE', 'not in the plain folder');

  if (jobs.length > 0) {
    const pool = new TransferPool(o.dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes: [...sizes.values()].reduce((a, b) => a + b, 0), files: jobs.length });
    try {
      await pool.run(
        jobs,
        (j) => sizes.get(j) ?? 0,
        (j, r) => {
          const name = (j as VerifyJob).name;
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
