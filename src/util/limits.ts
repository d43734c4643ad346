// Caps shared by every front end and the engine, defined once: the task schema, the CLI flags
// and the sync engine import them from here, so no entry point can accept more than another.

/**
 * Most worker threads one run may start. Each thread costs a V8 isolate (tens of MiB); far above
 * the core count they only add memory, and thousands exhaust it.
 */
export const MAX_TRANSFERS = 64;
