// One line of rclone.conf, read the way rclone 1.60.1 reads it: Go's TrimSpace (Unicode
// spaces, not U+FEFF), no inline comments, quotes kept, backtick and """ values stripped up to
// the LAST closing quote, quoted keys, ":" as well as "=" between key and value.

/** The characters Go's unicode.IsSpace accepts (strings.TrimSpace). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

export function goTrimSpace(s: string): string {
  return s.replace(TRIM, '');
}

/** rclone compares lengths in UTF-8 bytes. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The section name of a `[name]` line (trimmed), or undefined when the line is not a header. */
export function sectionHeader(line: string): string | undefined {
  const l = goTrimSpace(line);
  return l.startsWith('[') && l.endsWith(']') ? goTrimSpace(l.slice(1, -1)) : undefined;
}

export function isCommentOrBlank(line: string): boolean {
  return line === '' || line.startsWith('#') || line.startsWith(';');
}

/** The value after the separator: undefined when rclone refuses it (an unclosed ` or """). */
export function parseValue(right: string): string | undefined {
  const r = goTrimSpace(right);
  let quote = '';
  if (r.length >= 2 && r.startsWith('`')) quote = '`';
  else if (byteLength(r) >= 6 && r.startsWith('"""')) quote = '"""';
  if (quote === '') return r;
  const end = r.slice(quote.length).lastIndexOf(quote);
  return end < 0 ? undefined : r.slice(quote.length, quote.length + end);
}

function keyQuote(line: string): string {
  if (line.startsWith('"')) return byteLength(line) >= 6 && line.startsWith('"""') ? '"""' : '"';
  return line.startsWith('`') ? '`' : '';
}

function separatorFrom(line: string, from: number): number {
  const m = /[=:]/.exec(line.slice(from));
  return m ? from + m.index : -1;
}

/** A trimmed, non-blank, non-comment, non-header line as key and value; undefined when rclone refuses it. */
export function parseKeyValue(line: string): { key: string; value: string } | undefined {
  const quote = keyQuote(line);
  let key: string;
  let sep: number;
  if (quote !== '') {
    const close = line.indexOf(quote, quote.length);
    if (close < 0) return undefined;
    sep = separatorFrom(line, close);
    key = line.slice(quote.length, close);
  } else {
    sep = separatorFrom(line, 0);
    key = goTrimSpace(line.slice(0, Math.max(sep, 0)));
  }
  if (sep <= 0) return undefined;
  const value = parseValue(line.slice(sep + 1));
  return value === undefined ? undefined : { key, value };
}
