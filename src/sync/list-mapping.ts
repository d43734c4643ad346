// Mapping (like rclone's --crypt-show-mapping): every plain path, files and folders, with its
// encrypted path, both in rclone's Standard encoding, sorted by plain path. Read-only; also
// feeds the web UI's restore browser.
import { diskPathToStandard } from '../crypt/index.js';
import { scanCatalogTable } from '../tree/index.js';
import type { CryptDest } from './events.js';
import { checkCatalogKey } from './catalog-guards.js';

export interface MappingEntry {
  type: 'file' | 'dir';
  plain: string;
  encrypted: string;
  size?: number;
  mtimeMs?: number;
}

const NS_PER_MS = 1_000_000n;

export async function listMapping(o: { dest: CryptDest; signal?: AbortSignal }): Promise<MappingEntry[]> {
  const scan = await scanCatalogTable(o.dest.root, o.dest.cipher, o.signal ? { signal: o.signal } : {});
  await checkCatalogKey(o.dest, scan);
  const out: MappingEntry[] = scan.dirs.map((d): MappingEntry => ({ type: 'dir', plain: d.std, encrypted: diskPathToStandard(d.disk), mtimeMs: Number(d.mtimeNs / NS_PER_MS) }));
  const f = scan.files;
  for (let i = 0; i < f.count; i++) {
    out.push({ type: 'file', plain: f.std(i), encrypted: diskPathToStandard(f.disk(i)), size: f.size[i] as number, mtimeMs: Number(f.mtimeNs(i) / NS_PER_MS) });
  }
  out.sort((a, b) => (a.plain < b.plain ? -1 : a.plain > b.plain ? 1 : 0));
  return out;
}
