// Signals to a child started with `detached: true` (its own process group, so a terminal's Ctrl-C
// reaches only cryptsync, and an abort reaches the child's own children too), and a last-resort
// SIGTERM to every group still running when this process exits.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function trackProcessGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' listeners must be synchronous, and process.kill is
  process.once('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

export function untrackProcessGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Signals the group led by pid; falls back to the process alone when the group is gone. */
export function signalProcessGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}
