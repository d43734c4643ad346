#!/usr/bin/env node
// Entry point of the `cryptsync` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci` runs through `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
