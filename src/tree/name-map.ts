// Maps plain Standard paths to encrypted on-disk paths (per segment, with a folder cache since
// many files share a folder) and decrypted Standard paths back to safe plain disk paths. The
// reverse direction refuses anything that could escape the restore target; it never guesses.
import { standardToDisk, type Cipher } from '../crypt/index.js';

export class PathEncryptor {
  private readonly dirs = new Map<string, string>([['', '']]);
  constructor(private readonly cipher: Cipher) {}

  /** encrypted disk path of a folder given its plain Standard path */
  dir(std: string): string {
    const hit = this.dirs.get(std);
    if (hit !== undefined) return hit;
    const i = std.lastIndexOf('/');
    const parent = i < 0 ? '' : this.dir(std.slice(0, i));
    const seg = standardToDisk(this.cipher.encryptDirName(std.slice(i + 1)));
    const enc = parent === '' ? seg : `${parent}/${seg}`;
    this.dirs.set(std, enc);
    return enc;
  }

  /** encrypted disk path of a file given its plain Standard path */
  file(std: string): string {
    const i = std.lastIndexOf('/');
    const parent = i < 0 ? '' : this.dir(std.slice(0, i));
    const seg = standardToDisk(this.cipher.encryptFileName(std.slice(i + 1)));
    return parent === '' ? seg : `${parent}/${seg}`;
  }
}

export function encryptPath(cipher: Cipher, std: string, kind: 'file' | 'dir'): string {
  const p = new PathEncryptor(cipher);
  return kind === 'file' ? p.file(std) : p.dir(std);
}

/**
 * The relative disk path to restore a decrypted Standard path to, or null when any segment is
 * empty, "." or "..", or holds "/" or NUL (a name that would escape the target or is not a name).
 */
export function safeRestorePath(std: string): string | null {
  if (std === '' || std.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of std.split('/')) {
    if (seg === '' || seg === '.' || seg === '..' || seg.includes('\0')) return null;
    const disk = standardToDisk(seg);
    if (disk === '' || disk === '.' || disk === '..' || disk.includes('/') || disk.includes('\0')) return null;
    out.push(disk);
  }
  return out.join('/');
}
