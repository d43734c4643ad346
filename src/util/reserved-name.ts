// The plain name cryptsync reserves in every encrypted catalog: the integrity manifest
// (src/integrity, docs/manifest.md), stored at the catalog's top as an ordinary rclone-crypt
// file under this plain name, encrypted like every other name. Here, below every layer, so the
// scans of the sync layer can leave it alone without knowing what it holds. Pure.

/** plain (Standard) path of the manifest, at the top of the catalog */
export const MANIFEST_NAME = '.cryptsync-manifest';

/** True for the plain path cryptsync reserves: never planned, counted, deleted or restored as user data. */
export function isReservedName(std: string): boolean {
  return std === MANIFEST_NAME;
}
