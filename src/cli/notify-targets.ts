// Notification targets given on the command line as JSON (`task add|edit --notify`, `notify
// profile --set`); the schema checks them afterwards, like any other task field.
import { UsageError } from '../util/errors.js';

/** JSON targets from the command line; a bad one is named by its position. */
export function parseTargets(raw: string[], flag: string): unknown[] {
  return raw.map((j, i) => {
    try {
      return JSON.parse(j) as unknown;
    } catch {
      throw new UsageError(`${flag} (${i + 1}): not JSON: give a target such as '{"type":"ntfy","url":"https://ntfy.sh/my-topic"}'`, flag);
    }
  });
}
