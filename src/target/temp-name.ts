// Names for temporary files written next to their final name (atomic writes). The pattern is
// fixed so a later run can find and remove leftovers of a killed run; it must never collide with
// a real encrypted or restored name the user could have.
import { randomBytes } from 'node:crypto';
import { TEMP_PREFIX, TEMP_SUFFIX } from './tree-entry.js';

const TEMP_RANDOM_BYTES = 8;

export function tempNameFor(dirAbs: string): string {
  return `${dirAbs}/${TEMP_PREFIX}${randomBytes(TEMP_RANDOM_BYTES).toString('hex')}${TEMP_SUFFIX}`;
}
