// rclone-style include/exclude filters on Standard paths. Rule order follows rclone's filter
// construction: --include rules, then --exclude and --exclude-from rules, then (when any include
// was given) an implicit "exclude everything". The first rule that matches decides. Folders are
// only pruned by exclude rules (pattern `dir/**` or `dir/`), so empty folders survive includes.
// Pure apart from reading --exclude-from files; never touches the data.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../util/errors.js';
import type { PathFilter } from '../tree/index.js';

export interface FilterOptions {
  include?: string[];
  exclude?: string[];
  excludeFrom?: string[];
}

interface Rule {
  include: boolean;
  re: RegExp;
  dirOnly: boolean;
}

/** Translates one rclone glob into a regular expression on '/'-separated paths. */
export function globToRegExp(glob: string): { re: RegExp; dirOnly: boolean } {
  let g = glob;
  const anchored = g.startsWith('/');
  if (anchored) g = g.slice(1);
  const dirOnly = g.endsWith('/');
  let re = '';
  let inBrace = false;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === '\\' && i + 1 < g.length) {
      re += escapeRe(g[++i] as string);
    } else if (c === '*') {
      if (g[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = g.indexOf(']', i + 2);
      if (end < 0) throw new UsageError(`bad filter pattern "${glob}": unclosed [`, glob);
      let cls = g.slice(i + 1, end);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      if (inBrace) throw new UsageError(`bad filter pattern "${glob}": nested {`, glob);
      inBrace = true;
      re += '(?:';
    } else if (c === '}' && inBrace) {
      inBrace = false;
      re += ')';
    } else if (c === ',' && inBrace) re += '|';
    else re += escapeRe(c);
  }
  if (inBrace) throw new UsageError(`bad filter pattern "${glob}": unclosed {`, glob);
  return { re: new RegExp(`${anchored ? '^' : '(?:^|/)'}${re}$`, 'u'), dirOnly };
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

async function readPatternFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --exclude-from file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, path);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
}

/** Builds a PathFilter, or undefined when no rule is given (everything included). */
export async function buildFilter(o: FilterOptions | undefined): Promise<PathFilter | undefined> {
  const include = o?.include ?? [];
  const exclude = [...(o?.exclude ?? [])];
  for (const f of o?.excludeFrom ?? []) exclude.push(...(await readPatternFile(f)));
  if (include.length === 0 && exclude.length === 0) return undefined;
  const rules: Rule[] = [
    ...include.map((p) => ({ include: true, ...globToRegExp(p) })),
    ...exclude.map((p) => ({ include: false, ...globToRegExp(p) })),
  ];
  const implicitExclude = include.length > 0;
  return {
    file(std: string): boolean {
      for (const r of rules) if (!r.dirOnly && r.re.test(std)) return r.include;
      return !implicitExclude;
    },
    dir(std: string): boolean {
      const asDir = `${std}/`;
      for (const r of rules) {
        // first match decides; no match keeps the folder (the implicit exclude is for files only)
        if (r.re.test(asDir)) return r.include;
      }
      return true;
    },
  };
}
