// An unmounted disk leaves its mount point behind as an empty folder, which looks like a source
// whose files were all deleted. Where the system says a folder is a mount point (/etc/fstab) and
// it is not mounted now (/proc/self/mountinfo), a source at or below it is refused outright:
// no --force makes an unmounted disk a reason to delete. Linux only; elsewhere (no such files)
// nothing is known and nothing is refused. Reads two small system files; never writes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isInsideOrSame } from './path-inside.js';

/** fstab and mountinfo escape spaces, tabs, newlines and backslashes as \ooo */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function readLines(path: string): string[] | null {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    return null;
  }
}

/** mount points the fstab lists for real file systems (not swap, not the root) */
export function fstabMountPoints(fstabText: string): string[] {
  const out: string[] = [];
  for (const line of fstabText.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const f = t.split(/\s+/);
    const point = f[1];
    if (!point || !point.startsWith('/') || point === '/' || f[2] === 'swap') continue;
    out.push(resolve(unescapeOctal(point)));
  }
  return out;
}

/** mount points mounted now, from /proc/self/mountinfo (field 5) */
export function currentMountPoints(mountinfoText: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfoText.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4 && f[4]) out.add(unescapeOctal(f[4]));
  }
  return out;
}

/**
 * The fstab mount point holding `path` that is not mounted now, or null. The deepest listed mount
 * point counts (a disk mounted under another one).
 */
export function unmountedMountPointOf(path: string, files: { fstab?: string; mountinfo?: string } = {}): string | null {
  const fstab = readLines(files.fstab ?? '/etc/fstab');
  const mounts = readLines(files.mountinfo ?? '/proc/self/mountinfo');
  if (!fstab || !mounts) return null;
  const abs = resolve(path);
  const holding = fstabMountPoints(fstab.join('\n')).filter((m) => isInsideOrSame(abs, m));
  if (holding.length === 0) return null;
  const deepest = holding.reduce((a, b) => (b.length > a.length ? b : a));
  return currentMountPoints(mounts.join('\n')).has(deepest) ? null : deepest;
}
