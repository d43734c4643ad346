// filename_encryption = obfuscate (spec section 3.5): a keyed character rotation per segment.
// It hides nothing from a determined reader and has no integrity check; it exists for rclone
// compatibility only. Arithmetic follows Go's truncated % so odd prefixes behave as in rclone.
import { CryptError } from './crypt-error.js';

const QUOTE = 0x21; // '!'
const DIGIT_0 = 0x30;
const UPPER_A = 0x41;
const LOWER_A = 0x61;
const LETTERS = 52;
/** distance between 'Z'+1 and 'a' in the letter ring mapping */
const CASE_GAP = 6;
const LATIN1_START = 0xa0;
const LATIN1_SPAN = 96;
const BLOCK_SPAN = 256;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_0 + 9;
}
function isLetter(c: number): boolean {
  return (c >= UPPER_A && c <= UPPER_A + 25) || (c >= LOWER_A && c <= LOWER_A + 25);
}
function letterPos(c: number): number {
  const pos = c - UPPER_A;
  return pos >= 26 ? pos - CASE_GAP : pos;
}
function letterFromPos(pos: number): number {
  return UPPER_A + (pos >= 26 ? pos + CASE_GAP : pos);
}
function isScalar(c: number): boolean {
  return c >= 0 && c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff);
}

/** false for strings with lone surrogates (the JS analogue of invalid UTF-8) */
function isWellFormed(s: string): boolean {
  return !/\p{Surrogate}/u.test(s);
}

const REPLACEMENT = '\uFFFD';
function isRawByte(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xdc80 && c <= 0xdcff;
}

export function keySum(nameKey: Buffer): number {
  let s = 0;
  for (const b of nameKey) s += b;
  return s;
}

export function obfuscateSegment(plain: string, nameKeySum: number): string {
  if (plain === '') return '';
  if (!isWellFormed(plain)) return `!.${plain}`;
  let dir = 0;
  for (const ch of plain) dir += ch.codePointAt(0) as number;
  dir %= 256;
  let out = `${dir}.`;
  dir += nameKeySum;
  for (const ch of plain) {
    const c = ch.codePointAt(0) as number;
    if (c === QUOTE) out += '!!';
    else if (isDigit(c)) out += String.fromCodePoint(DIGIT_0 + ((c - DIGIT_0 + ((dir % 9) + 1)) % 10));
    else if (isLetter(c)) out += String.fromCodePoint(letterFromPos((letterPos(c) + (dir % 25) + 1) % LETTERS));
    else if (c >= LATIN1_START && c < LATIN1_START + LATIN1_SPAN) {
      out += String.fromCodePoint(LATIN1_START + ((c - LATIN1_START + (dir % 95) + 1) % LATIN1_SPAN));
    } else if (c >= BLOCK_SPAN) {
      const base = c - (c % BLOCK_SPAN);
      const n = base + ((c - base + (dir % 127) + 1) % BLOCK_SPAN);
      out += isScalar(n) ? String.fromCodePoint(n) : `!${ch}`;
    } else out += ch;
  }
  return out;
}

export function deobfuscateSegment(enc: string, nameKeySum: number, subject: string): string {
  if (enc === '') return '';
  const dot = enc.indexOf('.');
  if (dot < 0) throw new CryptError('NOT_ENCRYPTED_NAME', 'not an encrypted file', subject);
  const prefix = enc.slice(0, dot);
  const rest = enc.slice(dot + 1);
  if (prefix === '!') return rest;
  if (!/^[+-]?\d+$/.test(prefix)) throw new CryptError('NOT_ENCRYPTED_NAME', 'not an encrypted file', subject);
  const dir = Number.parseInt(prefix, 10) + nameKeySum;
  let out = '';
  let quoted = false;
  for (const raw of rest) {
    // a raw byte (names-on-disk.ts escape) is what Go ranges over as U+FFFD, and so rotates like it
    const ch = isRawByte(raw) ? REPLACEMENT : raw;
    const c = ch.codePointAt(0) as number;
    if (quoted) {
      out += ch;
      quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (isDigit(c)) {
      let n = c - ((dir % 9) + 1);
      if (n < DIGIT_0) n += 10;
      out += String.fromCodePoint(n);
    } else if (isLetter(c)) {
      let pos = letterPos(c) - ((dir % 25) + 1);
      if (pos < 0) pos += LETTERS;
      out += String.fromCodePoint(letterFromPos(pos));
    } else if (c >= LATIN1_START && c < LATIN1_START + LATIN1_SPAN) {
      let n = c - ((dir % 95) + 1);
      if (n < LATIN1_START) n += LATIN1_SPAN;
      out += String.fromCodePoint(n);
    } else if (c >= BLOCK_SPAN) {
      const base = c - (c % BLOCK_SPAN);
      let n = c - ((dir % 127) + 1);
      if (n < base) n += BLOCK_SPAN;
      out += isScalar(n) ? String.fromCodePoint(n) : ch;
    } else out += ch;
  }
  return out;
}
