// Names for temporary files written next to their final name (atomic writes). The pattern is
// fixed so a later run can find and remove leftovers of a killed run; it must never collide with
// a real encrypted or restored name the user could have. A random per-thread prefix plus a
// counter keeps it unique without a random draw per file (that showed up in profiles).
import { randomBytes } from 'node:crypto';
import { TEMP_PREFIX, TEMP_SUFFIX } from './tree-entry.js';

const PREFIX_BYTES = 4;
const COUNTER_HEX = 8;
const threadPrefix = randomBytes(PREFIX_BYTES).toString('hex');
let counter = 0;

export function tempNameFor(dirAbs: string): string {
  counter = (counter + 1) >>> 0;
  return `${dirAbs}/${TEMP_PREFIX}${threadPrefix}${counter.toString(16).padStart(COUNTER_HEX, '0')}${TEMP_SUFFIX}`;
}
