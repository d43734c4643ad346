// Snapshots of a snapshot task on its server: names, the listing, picking one, the retention
// policy, prune and the write of a new snapshot. See docs/architecture.md ("Snapshots").
export { listSnapshots, listSnapshotNames, pickSnapshot, entryOf, type SnapshotEntry, type ListOptions } from './list.js';
export { datedName, parseSnapshotName, isSnapshotName, uniqueDatedName, compareSnapshotNames, PARTIAL_NAME, type SnapshotName } from './naming.js';
export { planSnapshotWrite, snapshotTarget, finishSnapshotWrite, type SnapshotWrite, type SnapshotTarget } from './write.js';
export { removeFromRoot, removeArgs, renameInRoot, checkedFolderName } from './server-ops.js';
export { policy, type PolicyDecision } from './policy.js';
export { planPrune, applyPrune, type PrunePlan } from './prune.js';
export { snapshotSizes, type SnapshotSize } from './sizes.js';
