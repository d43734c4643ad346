// Restore straight from a server copy: list it (one rsync --list-only), read it by decrypted
// names, pick what matches the given paths / include globs, fetch ONLY that ciphertext with rsync
// into a private staging folder (server-staging.ts), then restore from there with the one restore
// of the sync layer (every chunk authenticated, atomic durable writes, traversal and collision
// refusals, the wrong-password check on contents) and remove the staging folder, also after a
// failure or an abort. A dry run lists what it would restore (names and sizes) and fetches
// nothing. Logged as a server-restore run. Never writes on the server.
import { join } from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import { fsPath } from '../crypt/index.js';
import { restoreCatalog, verifyCatalog, type SyncEvent, type SyncSummary, type VerifyResult } from '../sync/index.js';
import type { RunStatus } from '../util/vocabulary.js';
import { listServer } from './server-listing.js';
import { decryptServerListing, assertServerKey, type ServerCatalog, type ServerEntry } from './server-names.js';
import { pickFromListing, type ServerPickOptions } from './server-pick.js';
import { fetchFromServer } from './server-fetch.js';
import { withStaging } from './server-staging.js';
import { loggedServerRun, type ServerRunMeta } from './server-run.js';
import type { ServerSource } from './server-source.js';
import { syncSummaryText } from './summary-text.js';

/** The phases of a server restore or verify, announced as they begin. */
export type ServerPhase = 'list' | 'fetch' | 'decrypt' | 'check';

/**
 * What a server restore or verify reports: first its run id in the run log (so a front end can
 * follow it at once), then the sync layer's events and the phase changes.
 */
export type ServerEvent =
  | SyncEvent
  | { type: 'phase'; phase: ServerPhase; files: number; bytes: number }
  | { type: 'server-run'; runId: number; kind: 'server-restore' | 'server-verify' };

export interface ServerRestoreOptions extends ServerPickOptions {
  target: string;
  dryRun: boolean;
  overwrite: boolean;
  transfers?: number;
  /** after the restore, cryptcheck the restored files against the fetched ciphertext */
  verify?: boolean;
  signal?: AbortSignal;
}

export interface ServerRestoreResult {
  summary: SyncSummary;
  text: string[];
  /** what was picked on the server: files and their plain bytes */
  picked: { files: number; bytes: number };
  undecryptable: string[];
  verified?: VerifyResult;
}

export interface ServerRunEnv {
  home: string;
  env: NodeJS.ProcessEnv;
  meta: Omit<ServerRunMeta, 'kind' | 'label' | 'dryRun'>;
}

/** Lists the server copy by decrypted names (the key judged on the names first). */
export async function listServerCopy(src: ServerSource, o: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ServerCatalog> {
  const listing = await listServer(src.location, { recursive: true, env: o.env, ...(o.signal ? { signal: o.signal } : {}) });
  const cat = decryptServerListing(listing, src.cipher);
  assertServerKey(cat, src.cipher, src.location.spec);
  return cat;
}

function emptySummary(dryRun: boolean): SyncSummary {
  return { dryRun, filesScanned: 0, newFiles: 0, changedFiles: 0, deletedFiles: 0, newDirs: 0, deletedDirs: 0, unchanged: 0, bytes: 0, errors: 0, warnings: 0, deletionsSkipped: false, durationMs: 0 };
}

function bytesOf(files: ServerEntry[], enc = false): number {
  return files.reduce((a, f) => a + (enc ? f.encSize : Math.max(0, f.size)), 0);
}

export async function restoreFromServer(re: ServerRunEnv, src: ServerSource, o: ServerRestoreOptions, onEvent?: (e: ServerEvent) => void): Promise<ServerRestoreResult & { runId: number }> {
  const emit = (e: ServerEvent): void => onEvent?.(e);
  const t0 = Date.now();
  const meta: ServerRunMeta = { ...re.meta, kind: 'server-restore', label: src.label, dryRun: o.dryRun };
  const status = (r: ServerRestoreResult): RunStatus => (r.summary.errors > 0 || (r.verified && r.verified.differing.length + r.verified.missingOnDest.length + r.verified.missingOnSource.length + r.verified.errors > 0) ? 'partial' : 'ok');
  return loggedServerRun(
    meta,
    async (run) => {
      emit({ type: 'server-run', runId: run.runId, kind: 'server-restore' });
      emit({ type: 'phase', phase: 'list', files: 0, bytes: 0 });
      const cat = await listServerCopy(src, { env: re.env, ...(o.signal ? { signal: o.signal } : {}) });
      const pick = await pickFromListing(cat, o);
      // names that do not decrypt are not restored: a problem for a whole restore, a note for a pick
      let problems = 0;
      for (const u of cat.undecryptable) {
        if (pick.whole) {
          problems++;
          emit({ type: 'error', path: u, code: 'UNDECRYPTABLE_NAME', message: 'name on the server does not decrypt; not restored' });
        } else emit({ type: 'warning', path: u, code: 'UNDECRYPTABLE_NAME', message: 'name on the server does not decrypt; skipped' });
      }
      for (const s of cat.skipped) emit({ type: 'warning', path: s, code: 'SPECIAL_SKIPPED', message: 'not a regular file or folder on the server; skipped' });
      const picked = { files: pick.files.length, bytes: bytesOf(pick.files) };
      if (o.dryRun) {
        const summary = emptySummary(true);
        emit({ type: 'plan', newFiles: pick.files.length, changedFiles: 0, deletedFiles: 0, newDirs: pick.dirs.length, deletedDirs: 0, bytes: picked.bytes, unchanged: 0 });
        for (const d of pick.dirs) emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
        for (const f of pick.files) emit({ type: 'file', action: 'restore', path: f.std, bytes: Math.max(0, f.size) });
        Object.assign(summary, { filesScanned: cat.files.length, newFiles: pick.files.length, newDirs: pick.dirs.length, bytes: picked.bytes, errors: problems, durationMs: Date.now() - t0 });
        await run.step('restore', async () => ({ value: undefined, tally: { files: pick.files.length, filesNew: pick.files.length, bytes: picked.bytes, message: 'dry run: nothing fetched, nothing written', problems } }));
        return { summary, text: syncSummaryText('restored', summary), picked, undecryptable: cat.undecryptable };
      }
      return withStaging(re.home, async (staging) => {
        const catalog = join(staging, 'catalog');
        await mkdir(catalog, { mode: 0o700 });
        const encBytes = bytesOf(pick.files, true);
        const fetched = await run.step('fetch', async () => {
          emit({ type: 'phase', phase: 'fetch', files: pick.files.length, bytes: encBytes });
          const f = await fetchFromServer(src.location, [...pick.dirs, ...pick.files], catalog, {
            listFile: join(staging, 'files-from'),
            env: re.env,
            ...(o.signal ? { signal: o.signal } : {}),
            onProgress: (p) =>
              emit({ type: 'progress', files: p.filesTransferred ?? 0, filesTotal: pick.files.length, bytes: p.bytes, bytesTotal: encBytes, rateBps: p.rateBps, etaSec: p.etaSec }),
          });
          // what changed on the server since the listing is not restored (the list promised these sizes)
          const stdOf = new Map(pick.files.map((x) => [x.enc, x.std]));
          for (const m of f.missing) {
            await rm(fsPath(join(catalog, m)), { force: true });
            emit({ type: 'error', path: stdOf.get(m) ?? m, code: 'FETCH_INCOMPLETE', message: 'did not arrive whole from the server (changed or removed since the listing); not restored' });
          }
          return { value: f, tally: { files: pick.files.length - f.missing.length, bytes: f.bytes, command: f.command, outputTail: f.tail, problems: f.missing.length } };
        });
        problems += fetched.missing.length;
        const summary = await run.step('restore', async () => {
          emit({ type: 'phase', phase: 'decrypt', files: pick.files.length - fetched.missing.length, bytes: picked.bytes });
          const s = await restoreCatalog({
            source: { cipher: src.cipher, root: catalog },
            target: o.target,
            dryRun: false,
            overwrite: o.overwrite,
            ...(o.transfers !== undefined ? { transfers: o.transfers } : {}),
            ...(o.signal ? { signal: o.signal } : {}),
            onEvent: emit,
          });
          return { value: s, tally: { files: s.filesScanned, filesNew: s.newFiles, bytes: s.bytes, problems: s.errors } };
        });
        summary.errors += problems;
        summary.durationMs = Date.now() - t0;
        let verified: VerifyResult | undefined;
        if (o.verify) {
          verified = await run.step('verify', async () => {
            emit({ type: 'phase', phase: 'check', files: summary.newFiles, bytes: summary.bytes });
            const v = await verifyCatalog({ plain: o.target, dest: { cipher: src.cipher, root: catalog }, ...(o.signal ? { signal: o.signal } : {}), onEvent: emit });
            const bad = v.differing.length + v.missingOnDest.length + v.missingOnSource.length + v.errors;
            return { value: v, tally: { files: v.matching + bad, problems: bad } };
          });
        }
        return { summary, text: syncSummaryText('restored', summary), picked, undecryptable: cat.undecryptable, ...(verified ? { verified } : {}) };
      });
    },
    status,
  );
}
