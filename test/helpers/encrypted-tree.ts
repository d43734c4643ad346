// One fixture for the tests that start from "a plain tree and its crypt remote": a fresh temp
// folder holding `plain/` (the awkward rich tree unless told otherwise), a crypt destination in
// `enc/` with an rclone.conf (remote "crypt") in the temp folder, encrypted once unless
// `encrypt: false`; the folder is removed afterwards, also when the test fails.
import { join } from 'node:path';
import { encryptCatalog } from '../../src/sync/index.js';
import { makeDest, makeRichTree, RICH_TREE, type Dest } from '../sync/fixture.js';
import { tempDir } from './rclone.js';

export interface EncryptedTree {
  /** the temp folder (holds plain/, enc/ and the rclone.conf) */
  dir: string;
  plain: string;
  dest: Dest;
}

export interface EncryptedTreeOptions {
  /** sizes by path (null: a folder); default RICH_TREE */
  tree?: Record<string, number | null>;
  /** run one encrypt before the test body; default true */
  encrypt?: boolean;
}

type Body = (t: EncryptedTree) => Promise<void>;

export function withEncryptedTree(fn: Body): Promise<void>;
export function withEncryptedTree(o: EncryptedTreeOptions, fn: Body): Promise<void>;
export async function withEncryptedTree(a: EncryptedTreeOptions | Body, b?: Body): Promise<void> {
  const [o, fn] = typeof a === 'function' ? [{}, a] : [a, b as Body];
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await makeRichTree(plain, o.tree ?? RICH_TREE);
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    if (o.encrypt !== false) await encryptCatalog({ source: plain, dest });
    await fn({ dir: t.dir, plain, dest });
  } finally {
    await t.cleanup();
  }
}
