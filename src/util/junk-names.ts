// Names that operating systems and file managers leave in folders on their own: they are not the
// user's data. They never count as evidence that a folder holds files (an unmounted disk's mount
// point with only `lost+found`, a source emptied but for `.DS_Store`), nor as evidence of a wrong
// password when they sit in an encrypted catalog. Pure; no I/O.

const JUNK_NAMES = new Set([
  '.DS_Store',
  '.localized',
  '.Spotlight-V100',
  '.fseventsd',
  '.Trashes',
  '.TemporaryItems',
  '.DocumentRevisions-V100',
  'lost+found',
  '$RECYCLE.BIN',
  'System Volume Information',
]);

/** Windows writes these in any letter case */
const JUNK_NAMES_ANY_CASE = new Set(['thumbs.db', 'ehthumbs.db', 'desktop.ini']);

/** `.Trash-1000` (freedesktop trash on removable disks) and `._name` (AppleDouble resource forks) */
const JUNK_PATTERN = /^(\.Trash-\d+|\._.+)$/;

/** true for one path segment that is well-known junk */
export function isJunkName(name: string): boolean {
  return JUNK_NAMES.has(name) || JUNK_NAMES_ANY_CASE.has(name.toLowerCase()) || JUNK_PATTERN.test(name);
}

/** true when any segment of a '/'-separated relative path is junk (a file inside `lost+found/` is junk) */
export function isJunkPath(path: string): boolean {
  let start = 0;
  for (;;) {
    const end = path.indexOf('/', start);
    if (isJunkName(end < 0 ? path.slice(start) : path.slice(start, end))) return true;
    if (end < 0) return false;
    start = end + 1;
  }
}
