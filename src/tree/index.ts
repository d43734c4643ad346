// The file trees on disk the sync engine works on: plain-folder scans and encrypted-catalog scans
// (names decrypted on the way through) sharing one entry type, exact mtimes, temporary names for
// atomic writes and the flushes that make them durable. Encryption of contents lives in sync/;
// there is no storage abstraction here.
export { type TreeEntry, type CatalogEntry, type EntryKind, matchKey, joinRel, parentOf, depthOf, TEMP_PATTERN } from './tree-entry.js';
export { tempNameFor, isStaleTemporary, removeStaleTemporaries } from './temp-name.js';
export { readDirEntries, type DirEntry } from './read-dir.js';
export { setMtimeNs } from './mtime.js';
export { flushFiles, syncFolders } from './durable.js';
export { scanPlainTree, scanPlainTable, type PathFilter, type PlainScan, type PlainTableScan, type PlainScanOptions, type ScanIssue } from './plain-scan.js';
export { scanCatalog, scanCatalogTable, decryptCatalogName, type CatalogScan, type CatalogTableScan, type CatalogScanOptions } from './catalog-scan.js';
export { FileTable, CatalogFileTable, StringColumn, IndexList, FolderGroups, withRoom, FILE_TABLE_CHUNK, type PackedFileTable } from './file-table.js';
export { PathEncryptor, encryptPath, safeRestorePath } from './name-map.js';
