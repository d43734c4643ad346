// Public API of the sync engine: encrypt (plain -> encrypted catalog), restore, verify, mapping.
// The task runner, the CLI and the web server call only these. The engine reports through
// events and never prints, exits or speaks HTTP.
export type { CryptDest, SyncEvent, SyncSummary, RunControl } from './events.js';
export type { FilterOptions } from './filter.js';
export { buildFilter, globToRegExp } from './filter.js';
export { buildPlan, type SyncPlan, type CopyItem } from './plan.js';
export { encryptCatalog, type EncryptOptions } from './encrypt-catalog.js';
export { restoreCatalog, assertEmptyTarget, type RestoreOptions } from './restore-catalog.js';
export { verifyCatalog, type VerifyResult } from './verify-catalog.js';
export { listMapping, type MappingEntry } from './list-mapping.js';
export { checkCatalogPassword } from './catalog-guards.js';
export { deletionRefusal, DEFAULT_MAX_DELETE_PERCENT, MASS_DELETE_MIN_FILES, type DeletionLimits, type DeletionCounts } from './deletion-guard.js';
export { listForeignEntries } from './foreign-entries.js';
