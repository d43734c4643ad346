// "did you mean …?" for a name the user mistyped (a task, a crypt remote): the closest existing
// names by edit distance, then the list of what exists, so the error alone is enough to go on.
import { distance } from 'fastest-levenshtein';

/** at most this many edits (relative to the name's length) still count as a typo */
const MAX_EDITS_PER_CHAR = 0.4;
const MAX_LISTED = 12;

/** the existing names closest to `wanted`, best first (case-insensitive), only plausible typos */
export function closestNames(wanted: string, known: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(1, Math.round(w.length * MAX_EDITS_PER_CHAR));
  return known
    .map((k) => ({ k, d: distance(w, k.toLowerCase()) }))
    .filter((x) => x.d <= limit || x.k.toLowerCase().startsWith(w) || w.startsWith(x.k.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .map((x) => x.k)
    .slice(0, 3);
}

/** the tail of a not-found message: "; did you mean vault? remotes: offsite, vault" (or "; there are no remotes") */
export function didYouMean(wanted: string, known: readonly string[], what: string): string {
  if (known.length === 0) return `; there are no ${what}`;
  const close = closestNames(wanted, known);
  const listed = [...known].sort();
  const list = listed.length > MAX_LISTED ? `${listed.slice(0, MAX_LISTED).join(', ')}, … (${listed.length} in all)` : listed.join(', ');
  return `${close.length ? `; did you mean ${close.join(' or ')}?` : ''} ${what}: ${list}`.replace(/^ /, '; ');
}
