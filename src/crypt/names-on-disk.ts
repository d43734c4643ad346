// Conversion of one path segment between a Linux local folder's name and rclone's internal
// *Standard* encoding (spec/rclone-names-on-disk.md). Crypt encrypts Standard strings, so every
// name read from or written to disk passes through here. Works on JS strings; a name whose
// bytes are not valid UTF-8 is carried as a *raw-byte string* (see bytesToName): each byte that is
// not part of a valid UTF-8 sequence becomes the lone surrogate U+DC00 + byte, so the string maps
// back to exactly the same bytes and never equals the string of another byte sequence. rclone on
// Linux passes such bytes through unchanged, and so do the conversions below.
import { isUtf8 } from 'node:buffer';

const QUOTE = '\u201b';
const NUL_SYMBOL = '\u2400';
const SLASH_SYMBOL = '\uff0f';
const DEL_SYMBOL = '\u2421';
const DOT_SYMBOL = '\uff0e';
const CTL_SYMBOL_FIRST = 0x2401;
const CTL_SYMBOL_LAST = 0x241f;
const DEL = 0x7f;

interface Flags {
  ctl: boolean;
  del: boolean;
}
const STANDARD: Flags = { ctl: true, del: true };
const LOCAL_LINUX: Flags = { ctl: false, del: false };

/** raw char -> symbol, or undefined if this encoding leaves the char alone */
function symbolFor(c: number, f: Flags): string | undefined {
  if (c === 0) return NUL_SYMBOL;
  if (c === 0x2f) return SLASH_SYMBOL;
  if (f.ctl && c >= 1 && c <= 0x1f) return String.fromCharCode(0x2400 + c);
  if (f.del && c === DEL) return DEL_SYMBOL;
  return undefined;
}

/** symbol -> raw char, for the symbols this encoding uses */
function rawFor(c: number, f: Flags): string | undefined {
  if (c === 0x2400) return '\0';
  if (c === 0xff0f) return '/';
  if (f.ctl && c >= CTL_SYMBOL_FIRST && c <= CTL_SYMBOL_LAST) return String.fromCharCode(c - 0x2400);
  if (f.del && c === 0x2421) return String.fromCharCode(DEL);
  return undefined;
}

function encode(name: string, f: Flags): string {
  if (name === '.') return DOT_SYMBOL;
  if (name === '..') return DOT_SYMBOL + DOT_SYMBOL;
  if (name === DOT_SYMBOL) return QUOTE + DOT_SYMBOL;
  if (name === DOT_SYMBOL + DOT_SYMBOL) return QUOTE + DOT_SYMBOL + QUOTE + DOT_SYMBOL;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const sym = symbolFor(c, f);
    if (sym !== undefined) out += sym;
    else if (c === 0x201b || rawFor(c, f) !== undefined) out += QUOTE + name[i];
    else out += name[i];
  }
  return out;
}

function decode(name: string, f: Flags): string {
  if (name === DOT_SYMBOL) return '.';
  if (name === DOT_SYMBOL + DOT_SYMBOL) return '..';
  if (name === QUOTE + DOT_SYMBOL) return DOT_SYMBOL;
  if (name === QUOTE + DOT_SYMBOL + QUOTE + DOT_SYMBOL) return DOT_SYMBOL + DOT_SYMBOL;
  let out = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    const c = name.charCodeAt(i);
    if (c === 0x201b) {
      if (quoted) {
        out += QUOTE;
        quoted = false;
      } else quoted = true;
      continue;
    }
    const raw = rawFor(c, f);
    if (quoted) {
      out += raw !== undefined ? ch : QUOTE + ch;
      quoted = false;
    } else out += raw ?? ch;
  }
  if (quoted) out += QUOTE;
  return out;
}

/** On-disk segment (as read from readdir) -> the Standard string rclone encrypts. */
export function diskToStandard(name: string): string {
  return encode(decode(name, LOCAL_LINUX), STANDARD);
}

/** Standard segment (as produced by name decryption) -> the name to create on disk. */
export function standardToDisk(name: string): string {
  return encode(decode(name, STANDARD), LOCAL_LINUX);
}

/** Whole '/'-separated paths, segment by segment. */
export function diskPathToStandard(path: string): string {
  return path.split('/').map(diskToStandard).join('/');
}
export function standardPathToDisk(path: string): string {
  return path.split('/').map(standardToDisk).join('/');
}

/** first and last code unit of the raw-byte escapes (bytes 0x80..0xFF; lower bytes are ASCII) */
const RAW_FIRST = 0xdc80;
const RAW_LAST = 0xdcff;
const RAW_BASE = 0xdc00;
const HIGH_FIRST = 0xd800;
const HIGH_LAST = 0xdbff;
const CONT_MIN = 0x80;
const CONT_MAX = 0xbf;

/**
 * Length of the valid UTF-8 sequence at buf[i], or 0 when the byte at i does not start one.
 * Go's utf8.DecodeRune rules (no overlongs, no surrogates, nothing above U+10FFFF); on failure
 * Go consumes exactly one byte, and so does bytesToName.
 */
function sequenceAt(buf: Uint8Array, i: number): number {
  const b = buf[i] as number;
  if (b < 0x80) return 1;
  let n: number;
  let lo = CONT_MIN;
  let hi = CONT_MAX;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > buf.length) return 0;
  const second = buf[i + 1] as number;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < n; k++) {
    const c = buf[i + k] as number;
    if (c < CONT_MIN || c > CONT_MAX) return 0;
  }
  return n;
}

/**
 * The name string of raw name bytes: the UTF-8 text when the bytes are valid UTF-8 (the common
 * case, one native check), else a raw-byte string (each invalid byte b becomes U+DC00 + b).
 * Inverse of nameToBytes.
 */
export function bytesToName(buf: Uint8Array): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isUtf8(b)) return b.toString('utf8');
  let out = '';
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const n = sequenceAt(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += b.toString('utf8', start, i) + String.fromCharCode(RAW_BASE + (b[i] as number));
    i++;
    start = i;
  }
  return out + b.toString('utf8', start, b.length);
}

/** String.prototype.isWellFormed (Node 20; the project's TS lib predates its typing): native, fast */
function wellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** true when `s` carries raw bytes (is not well-formed UTF-16), i.e. needs nameToBytes for fs calls */
export function hasRawBytes(s: string): boolean {
  return !wellFormed(s);
}

/**
 * The bytes of a name string: UTF-8, with each raw-byte escape turned back into its byte.
 * A lone surrogate outside the escape range (never produced by bytesToName) becomes U+FFFD, as
 * Node's own encoder does.
 */
export function nameToBytes(s: string): Buffer {
  if (wellFormed(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < RAW_FIRST || c > RAW_LAST) continue;
    const prev = i > 0 ? s.charCodeAt(i - 1) : 0;
    if (prev >= HIGH_FIRST && prev <= HIGH_LAST) continue; // low half of a real surrogate pair
    parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.of(c - RAW_BASE));
    start = i + 1;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * A path for Node's fs: the string itself when it is plain UTF-8 (the common case costs one
 * native check), else its exact bytes as a Buffer (fs accepts Buffer paths).
 */
export function fsPath(s: string): string | Buffer {
  return wellFormed(s) ? s : nameToBytes(s);
}

/**
 * A name for text output: raw bytes shown as `\xNN` (lowercase hex), everything else unchanged.
 * For display only: a name that really holds a backslash followed by `x` and two hex digits
 * looks the same; JSON output gives the exact bytes (base64) instead.
 */
export function displayName(s: string): string {
  if (wellFormed(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const prev = i > 0 ? s.charCodeAt(i - 1) : 0;
    if (c >= RAW_FIRST && c <= RAW_LAST && !(prev >= HIGH_FIRST && prev <= HIGH_LAST)) out += `\\x${(c - RAW_BASE).toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return out;
}
