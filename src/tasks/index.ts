// Saved tasks and profiles: schemas, validation, the JSON store, RsyncOSX import, and the mapping
// of a task to one rsync invocation. Callers (run, cli, server) import only from here.
export {
  TASK_TYPES,
  TASK_NAME_PATTERN,
  DEFAULT_THRESHOLD_DAYS,
  DEFAULT_STALL_MINUTES,
  TASKS_FILE_VERSION,
  isRsyncTask,
  encryptTaskSchema,
  synchronizeTaskSchema,
  snapshotTaskSchema,
  syncremoteTaskSchema,
  cloudTaskSchema,
} from './task-schema.js';
export type { TaskType, Task, EncryptTask, SynchronizeTask, SnapshotTask, SyncremoteTask, RsyncTask, CloudTask, PushTask } from './task-schema.js';
export { parseSchedule, nextSlot, scheduleProblem, timeZoneProblem, SCHEDULE_FORMS } from './schedule.js';
export { readProfileNotify, writeProfileNotify, profileNotifyPath, PROFILE_NOTIFY_FILE } from './profile-notify.js';
export { NOTIFY_EVENTS, DEFAULT_NOTIFY_ON, type NotifyTarget, type NotifyEvent, type EmailTarget } from './notify-schema.js';
export { TASK_TYPE_INFO, PUSH_TYPES, isPushTask, isCombined, type TaskTypeInfo } from './task-types.js';
export { parseRemoteSide, checkRemoteSide, parseRcloneSpec, type RemoteSide, type RcloneSpec } from './remote-side.js';
export { validateTask, validateProfile, ValidationError, formatIssue, type ValidationIssue, type ValidationResult, type ValidateContext } from './validate.js';
export { TaskStore, listProfiles, DEFAULT_PROFILE, type TaskStoreOptions, type CatalogResolver } from './task-store.js';
export { findCatalogFolder, type CatalogFolder } from './crypt-catalog.js';
export { catalogIdOf, catalogsOverlap, findCatalogClash, encryptTasksOfHome, type CatalogId, type CatalogWriter } from './catalog-owners.js';
export { readTasksFile, parseTasksText, formatTasksFile, TASKS_FILE_NAME } from './tasks-file.js';
export { rsyncOptionsFor, RSYNC_PARTIAL_DIR, type RsyncInvocation } from './rsync-options.js';
export { importRsyncOSX, type ImportResult } from './import-rsyncosx.js';
export {
  retentionSchema,
  parseDuration,
  subtractDuration,
  hasRetentionRule,
  isKnownTimeZone,
  KEEP_RULES,
  RETENTION_PRESETS,
  DEFAULT_MAX_REMOVE_PERCENT,
  type RetentionRules,
  type KeepRule,
  type CalendarDuration,
} from './retention.js';
