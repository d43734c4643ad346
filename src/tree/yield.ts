// Lets the event loop run (timers, I/O callbacks, abort signals) between slices of synchronous work.
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
