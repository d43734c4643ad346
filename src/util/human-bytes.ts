// The one byte-count formatter of the CLI and the engine's texts (doctor, run summaries, progress):
// powers of 1024, whole bytes below 1 KiB, one decimal above ("512 B", "3.0 MiB"). The web page
// has its own (web/src/format.ts); it must not import this file.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const KIB = 1024;

export function humanBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= KIB && u < UNITS.length - 1) {
    v /= KIB;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${UNITS[u]}`;
}
