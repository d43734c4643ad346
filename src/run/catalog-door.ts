// The one door to an encrypted catalog for every front end (the CLI's encrypt/restore/verify/
// mapping and the web API's browse/restore/verify/mapping go through Engine, which calls these).
// A catalog is named by an encrypt task or a crypt remote spec `REMOTE:[path]`, opened once here
// (resolveCatalog: the task's own config or the given one, rclone's env overrides), and every
// guard applies whoever asks: the restore-target guard before a restore writes, the catalog write
// guard and mark before a one-off encrypt writes, and the sync layer's own guards after that.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SnapshotTask, TaskStore } from '../tasks/index.js';
import { listSnapshots, pickSnapshot, type SnapshotEntry } from './snapshots/index.js';
import {
  assertEmptyTarget,
  buildFilter,
  checkCatalogPassword,
  encryptCatalog,
  listMapping,
  restoreCatalog,
  verifyCatalog,
  type EncryptOptions,
  type FilterOptions,
  type MappingEntry,
  type SyncEvent,
  type SyncSummary,
  type VerifyResult,
} from '../sync/index.js';
import { CryptsyncError } from '../util/errors.js';
import { resolveCatalog, type ResolvedCatalog } from './catalog.js';
import { assertSafeRestoreTarget, type RestoreGuardContext } from './restore-guard.js';
import type { RunLog } from '../store/index.js';
import type { BrowseEntry } from './views.js';
import { resolveServerSource, type ServerSource, type ServerSourceInput } from './server-source.js';
import { listServerCopy, restoreFromServer, type ServerEvent, type ServerRestoreResult, type ServerRunEnv } from './server-restore.js';
import { stagingRoot } from './server-staging.js';
import { folderOverlap } from '../sync/path-overlap.js';
import { verifyServerCopy, type ServerVerifyOptions, type ServerVerifyResult } from './server-verify.js';
import { beginCatalogWrite } from './catalog-write.js';
import type { CatalogWrite } from './catalog-marks.js';
import { syncSummaryText } from './summary-text.js';
import { writeManifestAfterEncrypt } from './encrypt-step.js';
import { scanCatalog } from '../tree/index.js';
import { checkRestoreSelection, isReservedName, verifyCatalogManifest, type ManifestReport } from '../integrity/index.js';
import { pickedPathPatterns } from './server-pick.js';

/** What the door needs from the engine. */
export interface CatalogContext {
  home: string;
  env: NodeJS.ProcessEnv;
  tasks: TaskStore;
  /** the rclone.conf in use when the caller names none ($RCLONE_CONFIG, else the home's) */
  rcloneConfig: string;
  /** where restores and verifies from a server are logged, and under which profile */
  log?: RunLog;
  profile?: string;
}

/** Options every catalog call takes. */
export interface CatalogCallOptions {
  /** rclone.conf to read a `REMOTE:` from (and for tasks without their own); default: the engine's */
  config?: string;
  signal?: AbortSignal;
}

export interface RestoreInput extends CatalogCallOptions {
  /** picked plain paths (files or folders), taken literally */
  paths?: string[];
  /** rclone-style include globs */
  include?: string[];
  /** absolute folder to restore into; default: a fresh temporary folder */
  target?: string;
  /** how the front end calls the target, for the guard's message (`target`, `<target-dir>`) */
  targetField?: string;
  dryRun?: boolean;
  overwrite?: boolean;
  transfers?: number;
  /** restore files whose ciphertext does not match the catalog's manifest too (default: withheld) */
  noManifestCheck?: boolean;
}

export interface VerifyInput extends CatalogCallOptions {
  /** the plain folder; default: the encrypt task's source */
  plain?: string;
  /** default: the encrypt task's filters, when its own plain folder is checked */
  filter?: FilterOptions;
  transfers?: number;
  /** also check the catalog against its manifest (default true; docs/manifest.md) */
  manifest?: boolean;
  /** the manifest check hashes every ciphertext file instead of comparing the listing */
  deep?: boolean;
}

/** A cryptcheck's result, with the manifest check's report when it ran. */
export type VerifyOutcome = VerifyResult & { manifest?: ManifestReport };

/** A one-off encrypt: the engine's limits and switches, as encryptCatalog documents them. */
export interface EncryptInput extends CatalogCallOptions, Partial<Pick<EncryptOptions, 'dryRun' | 'maxDelete' | 'maxDeletePercent' | 'transfers' | 'copyLinks' | 'checksum' | 'force'>> {
  /** the plain folder; default: the encrypt task's source */
  source?: string;
  /** default: the encrypt task's filters, when its own source is encrypted */
  filter?: FilterOptions;
}

/** A finished restore or one-off encrypt: the summary and the words for it. */
export interface SyncOutcome {
  summary: SyncSummary;
  text: string[];
}

/** The writer name a one-off encrypt leaves in catalog marks and guard messages. */
export const ONE_OFF_ENCRYPT_WRITER = 'cryptsync encrypt';

export function openCatalog(ctx: CatalogContext, taskOrRemote: string, o: CatalogCallOptions = {}): Promise<ResolvedCatalog> {
  return resolveCatalog(taskOrRemote, ctx.tasks, o.config ?? ctx.rcloneConfig, ctx.env);
}

export async function catalogMapping(ctx: CatalogContext, taskOrRemote: string, o: CatalogCallOptions = {}): Promise<MappingEntry[]> {
  const c = await openCatalog(ctx, taskOrRemote, o);
  return listMapping({ dest: c.dest, ...(o.signal ? { signal: o.signal } : {}) });
}

/** Restores a catalog; the target goes through the restore guard before the catalog is opened. */
export async function restoreFromCatalog(
  ctx: CatalogContext,
  taskOrRemote: string,
  o: RestoreInput,
  onEvent?: (e: SyncEvent) => void,
): Promise<SyncOutcome & { target: string }> {
  // a given target is guarded before the catalog is opened; a catalog that does not open leaves no temporary target behind
  let c: ResolvedCatalog | undefined;
  if (o.target === undefined) c = await openCatalog(ctx, taskOrRemote, o);
  const target = await restoreTarget(ctx, o, true);
  c ??= await openCatalog(ctx, taskOrRemote, o);
  const include = [...(o.include ?? []), ...(o.paths ?? []).flatMap(pickedPathPatterns)];
  const withhold = o.noManifestCheck ? undefined : await manifestWithheld(ctx, c, include, o.signal);
  const summary = await restoreCatalog({
    ...(withhold ? { withhold } : {}),
    source: c.dest,
    target,
    ...(include.length ? { include } : {}),
    dryRun: o.dryRun ?? false,
    overwrite: o.overwrite ?? false,
    ...(o.transfers !== undefined ? { transfers: o.transfers } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
  return { target, summary, text: syncSummaryText('restored', summary) };
}

/**
 * The files of a restore whose ciphertext does not match the catalog's manifest (integrity/
 * restore-check.ts), hashed before anything is written; undefined when the catalog has none.
 * A manifest that is missing (while this machine knows its chain), forged, rolled back or
 * forked refuses the whole restore.
 */
async function manifestWithheld(ctx: CatalogContext, c: ResolvedCatalog, include: string[], signal?: AbortSignal): Promise<Map<string, string> | undefined> {
  // a wrong password is said as such, not as a missing manifest (its name would not decrypt)
  await checkCatalogPassword(c.dest, c.spec);
  const filter = await buildFilter(include.length ? { include } : undefined);
  const scan = await scanCatalog(c.dest.root, c.dest.cipher, { ...(filter ? { filter } : {}), ...(signal ? { signal } : {}) });
  const check = await checkRestoreSelection({ root: c.dest.root, cipher: c.dest.cipher, home: ctx.home, files: scan.files.filter((f) => !isReservedName(f.std)) });
  if (check.state === 'unusable') {
    throw new CryptsyncError('crypto', 'MANIFEST_CHECK_FAILED', `${check.message}; nothing was restored (--no-manifest-check restores without the check)`, { subject: c.spec });
  }
  return check.state === 'checked' ? check.withheld : undefined;
}

/** The catalog against its manifest (integrity/verify.ts): cheap by listing, or deep by hashing every file. */
export async function verifyManifestOf(ctx: CatalogContext, taskOrRemote: string, o: CatalogCallOptions & { deep?: boolean } = {}): Promise<ManifestReport> {
  const c = await openCatalog(ctx, taskOrRemote, o);
  await checkCatalogPassword(c.dest, c.spec);
  return verifyCatalogManifest({ root: c.dest.root, cipher: c.dest.cipher, home: ctx.home, deep: o.deep === true, ...(o.signal ? { signal: o.signal } : {}) });
}

function restoreGuardOf(ctx: CatalogContext, o: CatalogCallOptions): RestoreGuardContext {
  return { home: ctx.home, rcloneConfig: o.config ?? ctx.rcloneConfig };
}

/**
 * The target of a restore, through the restore guard: the given one, or a fresh temporary folder
 * (made only when `create`; a dry run writes nothing, not even that folder).
 */
async function restoreTarget(ctx: CatalogContext, o: Pick<RestoreInput, 'target' | 'targetField' | 'config'>, create: boolean): Promise<string> {
  const guard = restoreGuardOf(ctx, o);
  if (o.target !== undefined) {
    await assertSafeRestoreTarget(o.target, guard, o.targetField);
    return o.target;
  }
  if (!create) return '';
  const target = await mkdtemp(join(tmpdir(), 'cryptsync-restore-'));
  await assertSafeRestoreTarget(target, guard, o.targetField).catch(async (e: unknown) => {
    await rm(target, { recursive: true, force: true });
    throw e;
  });
  return target;
}

/** A server copy, named by a synchronize/snapshot task or a location with a crypt remote. */
export function openServerCopy(ctx: CatalogContext, source: ServerSourceInput, o: CatalogCallOptions = {}): Promise<ServerSource> {
  // a snapshot task's snapshots come from the server's own listing, never from the run log
  const pick = async (task: SnapshotTask, which: string): Promise<SnapshotEntry> =>
    pickSnapshot(await listSnapshots(task, { env: ctx.env, ...(o.signal ? { signal: o.signal } : {}) }), which);
  return resolveServerSource({ tasks: ctx.tasks, rcloneConfig: o.config ?? ctx.rcloneConfig, env: ctx.env }, source, pick);
}

/**
 * The snapshots a restore from a task's server copy can pick (oldest first, from the server's own
 * listing); a synchronize task's copy is a mirror: none.
 */
export async function serverSnapshotsOf(ctx: CatalogContext, task: string, o: CatalogCallOptions = {}): Promise<SnapshotEntry[]> {
  const t = ctx.tasks.get(task);
  if (t.type !== 'snapshot') return [];
  return listSnapshots(t, { env: ctx.env, ...(o.signal ? { signal: o.signal } : {}) });
}

/** One folder of a server copy by decrypted names (the whole copy is listed once). */
export async function browseServerCopy(ctx: CatalogContext, source: ServerSourceInput, path = '', o: CatalogCallOptions = {}): Promise<BrowseEntry[]> {
  const src = await openServerCopy(ctx, source, o);
  const cat = await listServerCopy(src, { env: ctx.env, ...(o.signal ? { signal: o.signal } : {}) });
  const dir = path.replace(/^\/+|\/+$/g, '');
  const prefix = dir === '' ? '' : `${dir}/`;
  return [...cat.dirs, ...cat.files]
    .filter((e) => e.std.startsWith(prefix) && e.std.length > prefix.length && !e.std.slice(prefix.length).includes('/'))
    .map((e) => ({ name: e.std.slice(prefix.length), path: e.std, type: e.kind, size: Math.max(0, e.size), mtimeMs: e.mtimeSec * 1000, encrypted: e.enc }))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
}

export interface ServerRestoreInput extends RestoreInput, ServerSourceInput {
  /** after the restore, cryptcheck the restored files against the fetched ciphertext */
  verify?: boolean;
}

/**
 * Restores from a server copy (server-restore.ts): the target goes through the restore guard
 * before the server is contacted; logged as a server-restore run.
 */
export async function restoreFromServerCopy(ctx: CatalogContext, o: ServerRestoreInput, onEvent?: (e: ServerEvent) => void): Promise<ServerRestoreResult & { target: string; runId: number; source: string; snapshot?: string }> {
  const dryRun = o.dryRun ?? false;
  // a given target is guarded, and refused when not empty, before the server is asked (the restore checks again before it writes)
  const given = o.target !== undefined ? await restoreTarget(ctx, o, false) : undefined;
  if (given !== undefined && (await folderOverlap(given, stagingRoot(ctx.home))) !== null) {
    throw new CryptsyncError('guard', 'RESTORE_TARGET_UNSAFE', `${o.targetField ?? 'target'}: refusing to restore into ${given}: it overlaps the staging folder ${stagingRoot(ctx.home)}, which is removed after the restore`, { subject: o.targetField ?? 'target' });
  }
  if (given !== undefined && !(o.overwrite ?? false)) await assertEmptyTarget(given);
  const src = await openServerCopy(ctx, o, o);
  const target = given ?? (await restoreTarget(ctx, o, !dryRun));
  const r = await restoreFromServer(serverRunEnv(ctx), src, {
    target,
    dryRun,
    overwrite: o.overwrite ?? false,
    ...(o.paths ? { paths: o.paths } : {}),
    ...(o.include ? { include: o.include } : {}),
    ...(o.transfers !== undefined ? { transfers: o.transfers } : {}),
    ...(o.verify ? { verify: true } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  }, onEvent);
  return { ...r, target, source: src.label, ...(src.snapshot !== undefined ? { snapshot: src.snapshot } : {}) };
}

export interface ServerVerifyInput extends CatalogCallOptions, Omit<ServerVerifyOptions, 'signal'> {
  /** the synchronize or snapshot task whose server copy is checked */
  task: string;
  /** a snapshot task's snapshot: 'latest' (default), a folder name or a date prefix */
  snapshot?: string;
}

/** Quick (listing against the local catalog) or deep (sampled read) verify of a task's server copy; logged as a run. */
export async function verifyServerCopyOf(ctx: CatalogContext, o: ServerVerifyInput, onEvent?: (e: ServerEvent) => void): Promise<ServerVerifyResult & { runId: number }> {
  const src = await openServerCopy(ctx, { fromTask: o.task, ...(o.snapshot !== undefined ? { snapshot: o.snapshot } : {}) }, o);
  return verifyServerCopy(
    serverRunEnv(ctx),
    src,
    {
      readData: o.readData,
      ...(o.sample ? { sample: o.sample } : {}),
      ...(o.maxDurationMs !== undefined ? { maxDurationMs: o.maxDurationMs } : {}),
      ...(o.random ? { random: o.random } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    },
    onEvent,
  );
}

function serverRunEnv(ctx: CatalogContext): ServerRunEnv {
  if (!ctx.log) throw new CryptsyncError('internal', 'NO_RUN_LOG', 'a restore or verify from a server needs the run log');
  return { home: ctx.home, env: ctx.env, meta: { log: ctx.log, profile: ctx.profile ?? 'default' } };
}

/** cryptcheck of a plain folder against a catalog (an encrypt task's own, or a `REMOTE:` with `plain`), then the catalog against its manifest. */
export async function verifyCatalogOf(ctx: CatalogContext, taskOrRemote: string, o: VerifyInput = {}, onEvent?: (e: SyncEvent) => void): Promise<VerifyOutcome> {
  const c = await openCatalog(ctx, taskOrRemote, o);
  const plain = o.plain ?? c.task?.source;
  if (plain === undefined) throw new CryptsyncError('usage', 'NOT_ENCRYPT_TASK', 'verify needs an encrypt task (it compares its plain folder with its catalog)');
  const filter = o.filter ?? (o.plain === undefined ? taskFilter(c) : undefined);
  const r = await verifyCatalog({
    plain: resolve(plain),
    dest: c.dest,
    ...(filter ? { filter } : {}),
    ...(o.transfers !== undefined ? { transfers: o.transfers } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
  if (o.manifest === false) return r;
  return { ...r, manifest: await verifyCatalogManifest({ root: c.dest.root, cipher: c.dest.cipher, home: ctx.home, deep: o.deep === true, ...(o.signal ? { signal: o.signal } : {}) }) };
}

/**
 * A one-off encrypt of a plain folder into a catalog (not a task run: nothing in the run log).
 * The key is derived while the plain folder is scanned; the catalog write guard (another encrypt
 * task mirroring another source into it) and the "encrypt in progress" mark come before any write.
 */
export async function encryptIntoCatalog(ctx: CatalogContext, taskOrRemote: string, o: EncryptInput, onEvent?: (e: SyncEvent) => void): Promise<SyncOutcome> {
  const dryRun = o.dryRun ?? false;
  const given = o.source === undefined ? undefined : resolve(o.source);
  const opened = openCatalog(ctx, taskOrRemote, o);
  // a task's own source (and filters) come with the opened catalog; a given one is scanned at once
  const source = given ?? oneOffSource(await opened);
  const filter = o.filter ?? (given === undefined ? taskFilter(await opened) : undefined);
  let write: CatalogWrite | undefined;
  const dest = opened.then(async (c) => {
    write = await beginCatalogWrite({
      home: ctx.home,
      writer: { name: ONE_OFF_ENCRYPT_WRITER, source, remote: c.spec, config: c.configPath },
      defaultConfig: ctx.rcloneConfig,
      catalog: c.dest.root,
      dryRun,
    });
    return c.dest;
  });
  const summary = await encryptCatalog({
    source,
    dest,
    dryRun,
    ...(filter ? { filter } : {}),
    ...(o.maxDelete !== undefined ? { maxDelete: o.maxDelete } : {}),
    ...(o.maxDeletePercent !== undefined ? { maxDeletePercent: o.maxDeletePercent } : {}),
    ...(o.transfers !== undefined ? { transfers: o.transfers } : {}),
    copyLinks: o.copyLinks ?? false,
    checksum: o.checksum ?? false,
    force: o.force ?? false,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(onEvent ? { onEvent } : {}),
  }).finally(() => write?.complete());
  const text = syncSummaryText('encrypted', summary);
  if (summary.errors === 0) {
    const manifestLines: string[] = [];
    await writeManifestAfterEncrypt((await opened).dest, { dryRun, home: ctx.home, ...(o.signal ? { signal: o.signal } : {}) }, { line: (l) => manifestLines.push(l) });
    text.push(...manifestLines);
  }
  return { summary, text };
}

function oneOffSource(c: ResolvedCatalog): string {
  if (!c.task) throw new CryptsyncError('usage', 'SOURCE_REQUIRED', `encrypt into ${c.spec}: name the plain folder to encrypt`);
  return c.task.source;
}

function taskFilter(c: ResolvedCatalog): FilterOptions | undefined {
  return c.task ? { include: c.task.includes ?? [], exclude: c.task.excludes ?? [], excludeFrom: c.task.excludeFrom ?? [] } : undefined;
}
