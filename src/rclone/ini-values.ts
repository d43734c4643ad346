// The values rclone 1.60.1 reads out of the parsed sections: "%(name)s" is replaced by the
// DEFAULT section's option (else the same section's raw option, else ""), and an option missing
// from section "a.b" is read from section "a" (while that section exists).

/** Raw sections in file order; every section opened by a header holds the hidden key " ". */
export type RawSections = Map<string, Map<string, string>>;

export const DEFAULT_SECTION = 'DEFAULT';
/** The hidden key rclone keeps in each section opened by a header; never listed as an option. */
export const SECTION_KEEPER = ' ';

const VARIABLE = /%\(([^)]+)\)s/;
const MAX_SUBSTITUTIONS = 200;
/** rclone recurses without a limit and crashes on a loop; cryptsync stops far below that. */
const MAX_DEPTH = 1000;

export class ReferenceLoop extends Error {
  constructor(
    readonly section: string,
    readonly key: string,
  ) {
    super(`the value of "${key}" in [${section}] refers to itself through %(name)s`);
  }
}

/** The option name of a "%(...)s" match as rclone cuts it (Go TrimLeft "%(" / TrimRight ")s" cut character sets). */
function variableName(match: string): string {
  return match.replace(/^[%(]+/, '').replace(/[)s]+$/, '');
}

function lookup(raw: RawSections, section: string, key: string, depth: number): string | undefined {
  const value = raw.get(section)?.get(key);
  return value === undefined ? undefined : substitute(raw, section, key, value, depth);
}

function substitute(raw: RawSections, section: string, key: string, value: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new ReferenceLoop(section, key);
  let v = value;
  for (let i = 0; i < MAX_SUBSTITUTIONS; i++) {
    const m = VARIABLE.exec(v);
    if (!m) break;
    const name = variableName(m[0]);
    let replacement = lookup(raw, DEFAULT_SECTION, name, depth + 1);
    if (replacement === undefined) replacement = section === DEFAULT_SECTION ? '' : (raw.get(section)?.get(name) ?? '');
    v = v.split(m[0]).join(replacement);
  }
  return v;
}

/** Each section's own options with "%(name)s" replaced: what `rclone config dump` shows. */
export function ownOptions(raw: RawSections, section: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of raw.get(section) ?? []) {
    if (key !== SECTION_KEEPER) out.set(key, substitute(raw, section, key, value, 0));
  }
  return out;
}

function parentOf(section: string): string | undefined {
  const dot = section.lastIndexOf('.');
  return dot < 0 ? undefined : section.slice(0, dot);
}

/** The options rclone reads for a remote: its own, then those of "a" for "a.b", while such a section exists. */
export function inheritedOptions(own: Map<string, Map<string, string>>, section: string): Map<string, string> {
  const out = new Map(own.get(section));
  for (let p = parentOf(section); p !== undefined && own.has(p); p = parentOf(p)) {
    for (const [k, v] of own.get(p) ?? []) if (!out.has(k)) out.set(k, v);
  }
  return out;
}
