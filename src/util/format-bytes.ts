// Byte counts as people read them: binary units, one decimal (`512 B`, `1.5 KiB`, `3.0 GiB`).
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const KIB = 1024;

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= KIB && u < UNITS.length - 1) {
    v /= KIB;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}
