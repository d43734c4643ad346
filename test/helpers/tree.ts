// Generated plain trees for tests, and a way to compare two trees (names, contents, mtimes).
import { mkdir, writeFile, readdir, readFile, lstat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface TreeSpec {
  [path: string]: number | string | null; // size in bytes (random content), text content, or null for an empty folder
}

export async function makeTree(root: string, spec: TreeSpec, mtime = new Date('2025-06-01T12:00:00Z')): Promise<void> {
  for (const [rel, v] of Object.entries(spec)) {
    const p = join(root, rel);
    if (v === null) {
      await mkdir(p, { recursive: true });
      continue;
    }
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, typeof v === 'number' ? randomBytes(v) : v);
    await utimes(p, mtime, mtime);
  }
}

/** path -> sha-free fingerprint (content hex for small files, size+bytes for big) of every file; folders as 'dir'. */
export async function readTree(root: string, base = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(join(root, base))).sort()) {
    const rel = base ? `${base}/${name}` : name;
    const st = await lstat(join(root, rel));
    if (st.isDirectory()) {
      out.set(rel, 'dir');
      for (const [k, v] of await readTree(root, rel)) out.set(k, v);
    } else {
      out.set(rel, (await readFile(join(root, rel))).toString('base64'));
    }
  }
  return out;
}

export const SAMPLE_TREE: TreeSpec = {
  'hello.txt': 'hello world\n',
  'empty.bin': 0,
  'one.bin': 1,
  'block-edge.bin': 65536,
  'block-plus.bin': 65537,
  'big.bin': 3 * 1024 * 1024 + 17,
  'folder with spaces/naïve café.txt': 'unicode and spaces\n',
  'deep/a/b/c/d/leaf.txt': 'deep\n',
  '日本語/ファイル.txt': 'cjk\n',
  'empty folder': null,
};

/**
 * A catalog cryptsync wrote, restored by stock rclone, holds its manifest as one extra file at
 * the top (docs/manifest.md): checks it is there and returns the tree without it.
 */
export function withoutManifest(tree: Map<string, string>): Map<string, string> {
  if (!tree.has('.cryptsync-manifest')) throw new Error(`no .cryptsync-manifest among ${[...tree.keys()].join(', ')}`);
  const rest = new Map(tree);
  rest.delete('.cryptsync-manifest');
  return rest;
}
