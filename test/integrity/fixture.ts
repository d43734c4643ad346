// The catalog the integrity tests tamper with: a seeded random plain tree (a file of several
// 64 KiB chunks, two files of the same size, small ones in folders, an empty folder) encrypted
// by the real `cryptsync encrypt`, so the manifest comes from the same path a user's does.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { encryptPath } from '../../src/tree/index.js';
import { makeDest, makeRichTree, type Dest } from '../sync/fixture.js';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/rclone.js';
import type { ManifestReport } from '../../src/integrity/index.js';

export interface TamperCatalog {
  work: string;
  plain: string;
  dest: Dest;
  env: NodeJS.ProcessEnv;
  /** plain paths of the files, by role */
  big: string;
  pair: [string, string];
  small: string[];
  cleanup(): Promise<void>;
}

export async function makeTamperCatalog(rand: () => number): Promise<TamperCatalog> {
  const t = await tempDir('cryptsync-integrity-');
  const n = (lo: number, span: number) => lo + Math.floor(rand() * span);
  const big = `big/${n(100, 900)}.bin`;
  const pairSize = n(1000, 60000);
  const pair: [string, string] = [`pair/a${n(0, 99)}.bin`, `pair/b${n(0, 99)}.bin`];
  const small = Array.from({ length: n(6, 6) }, (_, i) => `${['docs', 'docs/deep', 'top'][i % 3]}/f${i}-${n(0, 999)}.txt`);
  const spec: Record<string, number | null> = { [big]: 3 * 65536 + n(1, 65535), [pair[0]]: pairSize, [pair[1]]: pairSize, 'empty folder': null };
  for (const s of small) spec[s] = n(0, 5000);
  const plain = join(t.dir, 'plain');
  await makeRichTree(plain, spec);
  const dest = await makeDest(join(t.dir, 'enc'), t.dir);
  const env = cliEnv(join(t.dir, 'home'));
  const c = await cryptsync(['encrypt', plain, 'crypt:', '--config', dest.conf], { env });
  assert.equal(c.code, 0, c.stderr + c.stdout);
  assert.match(c.stdout, /manifest: generation 1 written/);
  return { work: t.dir, plain, dest, env, big, pair, small, cleanup: t.cleanup };
}

/** absolute path of a plain file's ciphertext */
export function encOf(c: TamperCatalog, plainPath: string): string {
  return join(c.dest.root, encryptPath(c.dest.cipher, plainPath, 'file'));
}

export async function verifyManifestCli(c: TamperCatalog, extra: string[] = [], env = c.env): Promise<{ code: number | null; report: ManifestReport; stdout: string }> {
  const r = await cryptsync(['verify', 'crypt:', '--config', c.dest.conf, '--json', ...extra], { env });
  const summary = jsonLines(r.stdout).find((e) => e.type === 'summary');
  assert.ok(summary, r.stderr + r.stdout);
  return { code: r.code, report: summary.manifest as ManifestReport, stdout: r.stdout };
}

/** copies a catalog folder exactly (names, bytes, ns mtimes), replacing what is at `to`; every file is copied (a swap keeps sizes and mtimes) */
export function copyCatalog(from: string, to: string): void {
  execFileSync('rsync', ['-a', '--delete', '--ignore-times', `${from}/`, `${to}/`]);
}
