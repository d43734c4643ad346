#!/usr/bin/env node
// Entry point of the `cryptsync` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci` runs through `prepare`).
import { main } from '../dist/src/cli/main.js';

// Until main() answers, the exit code is a failure: a run that never finishes must not look like success.
process.exitCode = 1;
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
