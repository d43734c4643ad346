// The integrity layer (docs/manifest.md): an authenticated, hash-chained manifest of an
// encrypted catalog, written after each successful encrypt and checked by verify and restore.
// Between sync and run: it reads catalogs with src/tree and seals with src/crypt; src/run calls it.
export { MANIFEST_NAME, isReservedName } from '../util/reserved-name.js';
export { writeCatalogManifest, manifestUnavailable, type WriteManifestInput, type WrittenManifest } from './write.js';
export { verifyCatalogManifest, chainFinding, type ManifestReport, type VerifyManifestInput } from './verify.js';
export { checkRestoreSelection, type RestoreCheck } from './restore-check.js';
export { type Finding, type FindingKind, type FindingClass, type ManifestVerdict } from './findings.js';
export { manifestMacKey, hashCiphertext } from './hashing.js';
export { serializeManifest, parseManifest, headHash, ManifestFormatError, type Manifest, type ManifestEntry, CHAIN_WINDOW } from './manifest-format.js';
export { sealManifest, manifestDiskPath } from './manifest-file.js';
export { catalogSubject, serverSubject, readChainRecord, writeChainRecord, type ChainRecord } from './client-state.js';
