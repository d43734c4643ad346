// The --scale data set of the encrypt benchmark: many tiny files (20-200 B) spread over 1000
// folders, as in a home folder full of small documents. Deterministic: file i has a size, content
// and microsecond mtime computed from i alone, so two machines generate the same tree. Written
// with synchronous calls (one open-write-close and one utimes per file) because a million awaits
// cost more than the writes; a marker file makes later runs reuse the tree.
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fastPathSeconds } from '../src/tree/mtime.js';

export interface ScaleSet {
  files: number;
  dirs: number;
  minSize: number;
  maxSize: number;
}

const DATA_VERSION = 'v2';
/** one shared keystream, sliced per file at a position derived from its index */
const POOL_BYTES = 1 << 20;
const BASE_US = 1_700_000_000_000_000n;

function keystream(n: number): Buffer {
  const key = createHash('sha256').update('scale set').digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** a cheap deterministic mix of i (the 32-bit finaliser of MurmurHash3) */
function mix(i: number): number {
  let h = i ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function folderOf(set: ScaleSet, i: number): string {
  return `d${String(i % set.dirs).padStart(4, '0')}`;
}

/** generates `set` under `dir`/plain unless a tree of this version is already there; returns the plain folder */
export function ensureScaleSet(dir: string, set: ScaleSet, log: (s: string) => void): string {
  const plain = join(dir, 'plain');
  const marker = join(dir, `data-${DATA_VERSION}-${set.files}`);
  if (existsSync(marker)) return plain;
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${set.files} files in ${plain} ...\n`);
  const pool = keystream(POOL_BYTES);
  for (let d = 0; d < set.dirs; d++) mkdirSync(join(plain, folderOf(set, d)), { recursive: true });
  const span = set.maxSize - set.minSize + 1;
  for (let i = 0; i < set.files; i++) {
    const h = mix(i);
    const size = set.minSize + (h % span);
    const off = (h >>> 8) % (POOL_BYTES - size);
    const p = join(plain, folderOf(set, i), `f${i}`);
    writeFileSync(p, pool.subarray(off, off + size));
    const t = fastPathSeconds((BASE_US + BigInt(i) * 1_000_003n) * 1000n);
    if (t === undefined) throw new Error(`no exact utimes double for file ${i}`);
    utimesSync(p, t, t);
    if (i % 100_000 === 99_999) log(`  ${i + 1} files\n`);
  }
  writeFileSync(marker, '');
  return plain;
}
