// JSON output of names that are not valid UTF-8: JSON.stringify keeps their raw bytes as \udcNN
// escapes (crypt/names-on-disk.ts), which few readers know; `<field>Base64` gives the exact bytes
// beside the name. Names that are valid UTF-8 get no extra field.
import { hasRawBytes, nameToBytes } from '../../crypt/index.js';

/** `{ <field>Base64: bytes }` when `name` holds raw bytes, else `{}` */
export function rawBytesFields(field: string, name: string): Record<string, string> {
  return hasRawBytes(name) ? { [`${field}Base64`]: nameToBytes(name).toString('base64') } : {};
}
