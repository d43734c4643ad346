// Small file-tree helpers for the rsync tests: build a tree from a spec, and read one back as
// {relative path: content} so two trees can be compared with deepEqual.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

export async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix + e.name;
      if (e.isDirectory()) await walk(join(dir, e.name), `${rel}/`);
      else out[rel] = (await readFile(join(dir, e.name))).toString('base64');
    }
  }
  await walk(root, '');
  return out;
}
