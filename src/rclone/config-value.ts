// Writing one option value so that rclone 1.60.1 (and cryptsync) read back the same string: as
// it is when that already reads back unchanged, else between backticks (rclone strips a leading
// backtick up to the last one on the line). What cannot be represented is refused, naming the key.
import { ConfigError } from '../util/errors.js';
import { parseValue } from './ini-line.js';

/** rclone replaces "%(name)s" in every value, and rclone.conf has no escape for it. */
const VARIABLE = /%\([^)]+\)s/;

export function encodeConfigValue(remote: string, key: string, value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new ConfigError('BAD_VALUE', `remote "${remote}": ${key} must not contain line breaks or NUL`, key);
  }
  if (VARIABLE.test(value)) {
    throw new ConfigError(
      'BAD_VALUE',
      `remote "${remote}": ${key} contains "%(...)s", which rclone replaces with another option's value; rclone.conf cannot hold it`,
      key,
    );
  }
  if (parseValue(value) === value) return value;
  const quoted = `\`${value}\``;
  if (parseValue(quoted) !== value) throw new ConfigError('BAD_VALUE', `remote "${remote}": ${key} cannot be written to rclone.conf unchanged`, key);
  return quoted;
}
