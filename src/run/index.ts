// The run layer: the engine facade and the types front ends render.
export { Engine, estimateFromRun, type EngineOptions, type TaskView, type BrowseEntry } from './engine.js';
export type { EngineEvent, Estimate, StepCounts, StepKind } from './events.js';
export type { RemoteView, AddRemoteInput } from './remotes.js';
export { GENERATED_PASSWORD_BITS } from './remotes.js';
export { FORCIBLE_GUARDS, isForcibleGuard } from './step-result.js';
export { runDoctor, type DoctorCheck } from './doctor.js';
export { DEMO_ENCRYPT_TASK, DEMO_SYNC_TASK, DEMO_REMOTE, writeDemoFiles } from './demo.js';
export type { CatalogCallOptions, RestoreInput, VerifyInput, EncryptInput, SyncOutcome } from './catalog-door.js';
export { syncSummaryText, verifySummaryText, verifyDifferences } from './summary-text.js';
export type { SyncEvent, SyncSummary, MappingEntry, VerifyResult, FilterOptions } from '../sync/index.js';
export type { ServerSourceInput } from './server-source.js';
export type { ServerEvent, ServerPhase } from './server-restore.js';
export type { ServerRestoreInput, ServerVerifyInput } from './catalog-door.js';
export type { ServerVerifyResult, QuickReport, DeepReport } from './server-verify.js';
export { parseSampleSpec, parseDuration, type SampleSpec } from './server-coverage.js';
export { KIT_CONFIG_FILE, type Kit, type KitCopy } from './kit.js';
export { kitText, kitHtml, KIT_CONF_BEGIN, KIT_CONF_END } from './kit-format.js';
