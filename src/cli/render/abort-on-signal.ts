// Turns SIGINT/SIGTERM into an AbortSignal for the duration of one command, so the engine can
// stop cleanly (it then throws CancelledError, which cli/main.ts maps to exit 130).
export async function withAbortOnSignal<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(ac.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
