// Conversion of one path segment between a Linux local folder's name and rclone's internal
// *Standard* encoding (spec/rclone-names-on-disk.md). Crypt encrypts Standard strings, so every
// name read from or written to disk passes through here. Works on JS strings: names that are
// not valid UTF-8 cannot be represented and are out of scope.

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
