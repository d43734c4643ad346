// Pure comparison of absolute, normalised paths: is one the other or inside it. Callers resolve
// symlinks first when a link must not hide an overlap.
import { sep } from 'node:path';

export function isInsideOrSame(child: string, parent: string): boolean {
  if (parent === sep) return child.startsWith(sep);
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** the two paths are the same, or one lies inside the other */
export function pathsOverlap(a: string, b: string): boolean {
  return isInsideOrSame(a, b) || isInsideOrSame(b, a);
}
