// The rsync transport: a pure argv builder, pure output parsers, and a runner that spawns rsync.
// src/rsync imports only src/util; it knows nothing about tasks, runs or front ends.
export type { RsyncOptions, RsyncRemote } from './options.js';
export { buildRsyncArgs, buildSshCommand, remoteSpec } from './args.js';
export { validateExtraFlags } from './extra-flags.js';
export { formatShellCommand, quoteShellWord } from './shell-quote.js';
export { parseProgressLine, type RsyncProgress } from './progress.js';
export { parseStats, type RsyncStats } from './stats.js';
export { estimateFromDryRun, countItemizedLine, emptyItemizeCounts, type ItemizeCounts, type RsyncEstimate } from './itemize.js';
export { describeRsyncExit, isRsyncSuccess, classifyRsyncExit, effectiveRsyncExit, SSH_FAILURE_EXIT, type RsyncOutcome } from './exit-codes.js';
export { runRsync, DEFAULT_RSYNC_PATH, DEFAULT_GRACE_MS, DEFAULT_TAIL_BYTES, type RunRsyncOptions, type RsyncRunResult } from './runner.js';
export { rsyncVersion, parseRsyncVersion, type RsyncVersion } from './version.js';
export { listOnlyArgs, parseListOnlyLine, type ListedEntry, type ListedKind, type ListOnlyOptions } from './list-only.js';
export { nextTotal, itemizedPath, NO_TOTAL, type TotalState } from './progress-total.js';
