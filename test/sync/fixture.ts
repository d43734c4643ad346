// Shared fixtures for the sync tests: a crypt destination (Cipher + rclone.conf for the real
// rclone), a generated plain tree with the awkward cases, and a tree snapshot that compares
// names, contents and nanosecond mtimes.
import { mkdir, writeFile, readdir, readFile, lstat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Cipher } from '../../src/crypt/index.js';
import type { CryptDest } from '../../src/sync/index.js';
import { writeRcloneConf } from '../helpers/rclone.js';

export const PASSWORD = 'sync test password';
export const PASSWORD2 = 'sync test salt';

export interface Dest extends CryptDest {
  conf: string;
}

export interface NameOptions {
  filenameEncryption?: 'standard' | 'obfuscate' | 'off';
  filenameEncoding?: 'base32' | 'base64' | 'base32768';
  directoryNameEncryption?: boolean;
}

/** A crypt destination at `root`, with an rclone.conf (remote "crypt") in `confDir`. */
export async function makeDest(root: string, confDir: string, password = PASSWORD, names: NameOptions = {}): Promise<Dest> {
  const cipher = await Cipher.create({ password, password2: PASSWORD2, ...names });
  const extra: Record<string, string> = {};
  if (names.filenameEncryption) extra.filename_encryption = names.filenameEncryption;
  if (names.filenameEncoding) extra.filename_encoding = names.filenameEncoding;
  if (names.directoryNameEncryption !== undefined) extra.directory_name_encryption = String(names.directoryNameEncryption);
  const conf = await writeRcloneConf(confDir, [{ name: 'crypt', options: { type: 'crypt', remote: root, password, password2: PASSWORD2, ...extra } }], {
    plainPasswords: true,
  });
  return { cipher, root, conf };
}

/** Sets an exact nanosecond mtime with GNU touch (independent of the code under test). */
export function touchNs(path: string, sec: number, nsec: number): void {
  execFileSync('touch', ['-d', `@${sec}.${String(nsec).padStart(9, '0')}`, '--', path]);
}

export const RICH_TREE: Record<string, number | null> = {
  'empty.bin': 0,
  'one.bin': 1,
  'edge-65535.bin': 65535,
  'edge-65536.bin': 65536,
  'edge-65537.bin': 65537,
  'multi.bin': 3 * 1024 * 1024 + 17,
  'with space/and more spaces .txt': 100,
  'ünïcødé/日本語ファイル.txt': 42,
  'ünïcødé/emoji 😀.bin': 7,
  'deep/a/b/c/d/e/f/g/h/leaf.txt': 10,
  'deep/a/b/sibling.txt': 11,
  'empty folder': null,
  'deep/empty inner': null,
  'tab\tname.txt': 5,
};

export async function makeRichTree(root: string, spec: Record<string, number | null> = RICH_TREE): Promise<void> {
  await mkdir(root, { recursive: true });
  let i = 0;
  for (const [rel, size] of Object.entries(spec)) {
    const p = join(root, rel);
    if (size === null) {
      await mkdir(p, { recursive: true });
      continue;
    }
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, randomBytes(size));
    // odd nanoseconds on purpose: rclone compares mtimes at 1 ns
    touchNs(p, 1_700_000_000 + i * 1000, 123_456_789 + i);
    i++;
  }
}

export interface SnapEntry {
  kind: 'file' | 'dir';
  hash: string;
  mtimeNs: bigint;
}

export async function snapshot(root: string, base = '', out = new Map<string, SnapEntry>()): Promise<Map<string, SnapEntry>> {
  for (const name of (await readdir(join(root, base))).sort()) {
    const rel = base ? `${base}/${name}` : name;
    const st = await lstat(join(root, rel), { bigint: true });
    if (st.isDirectory()) {
      out.set(rel, { kind: 'dir', hash: '', mtimeNs: 0n });
      await snapshot(root, rel, out);
    } else {
      const hash = createHash('sha256').update(await readFile(join(root, rel))).digest('hex');
      out.set(rel, { kind: 'file', hash, mtimeNs: st.mtimeNs });
    }
  }
  return out;
}

/** every file path under root (recursive), relative */
export async function listFiles(root: string): Promise<string[]> {
  return [...(await snapshot(root)).entries()].filter(([, v]) => v.kind === 'file').map(([k]) => k);
}
