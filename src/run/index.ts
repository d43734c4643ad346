// The run layer: the engine facade and the types front ends render.
export { Engine, type EngineOptions, type TaskView, type BrowseEntry } from './engine.js';
export { estimateFromRun, mayHaveChanges } from './estimate-state.js';
export type { EngineEvent, Estimate, StepCounts, StepKind } from './events.js';
export type { RemoteView, AddRemoteInput } from './remotes.js';
export { GENERATED_PASSWORD_BITS } from './remotes.js';
export { FORCIBLE_GUARDS, isForcibleGuard } from './step-result.js';
export { runDoctor, type DoctorCheck } from './doctor.js';
export { DEMO_ENCRYPT_TASK, DEMO_SYNC_TASK, DEMO_REMOTE, writeDemoFiles } from './demo.js';
export type { CatalogCallOptions, RestoreInput, VerifyInput, EncryptInput, SyncOutcome } from './catalog-door.js';
export { syncSummaryText, verifySummaryText, verifyDifferences } from './summary-text.js';
export type { SyncEvent, SyncSummary, MappingEntry, VerifyResult, FilterOptions } from '../sync/index.js';
