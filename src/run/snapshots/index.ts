// Snapshots of a snapshot task on its server: names, the listing, picking one, the retention
// policy, prune and the write of a new snapshot. See docs/architecture.md ("Snapshots").
export { listSnapshots, listSnapshotNames, pickSnapshot, entryOf, type SnapshotEntry, type ListOptions } from './list.js';
export { datedName, parseSnapshotName, isSnapshotName, uniqueDatedName, compareSnapshotNames, PARTIAL_NAME, type SnapshotName } from './naming.js';
