// The words of a manifest check: each finding names a path, a kind and whether it is the
// signature of tampering ("attack") or what any writer holding the keys does, such as a stock
// `rclone sync` taking its turn ("outside"). Type-pure apart from the table below.

export type FindingKind =
  // the manifest itself
  | 'manifest-missing'
  | 'manifest-removed'
  | 'manifest-forged'
  | 'rollback'
  | 'fork'
  // one entry
  | 'deleted'
  | 'injected'
  | 'changed'
  | 'mtime-changed'
  | 'truncated'
  | 'header-only'
  | 'grown'
  | 'corrupt'
  | 'swapped'
  | 'renamed'
  | 'older-version'
  | 'replaced'
  | 'undecryptable-name';

export type FindingClass = 'attack' | 'outside';

export interface Finding {
  kind: FindingKind;
  class: FindingClass;
  /** plain path (an undecryptable name: its encrypted path; the manifest: its plain name) */
  path: string;
  detail: string;
}

/** what a writer with the keys does in the normal course (deleting, adding, rewriting with a fresh nonce) */
const OUTSIDE: ReadonlySet<FindingKind> = new Set<FindingKind>(['manifest-removed', 'deleted', 'injected', 'changed', 'mtime-changed']);

export function finding(kind: FindingKind, path: string, detail: string): Finding {
  return { kind, class: OUTSIDE.has(kind) ? 'outside' : 'attack', path, detail };
}

/**
 * clean: the catalog is exactly what its manifest says; changed-outside: it differs only the way
 * a writer with the keys changes it (rclone taking its turn); tampered: any attack finding;
 * none: there is no manifest and this machine never saw one for it.
 */
export type ManifestVerdict = 'clean' | 'changed-outside' | 'tampered' | 'none';

export function verdictOf(findings: readonly Finding[]): ManifestVerdict {
  if (findings.some((f) => f.class === 'attack')) return 'tampered';
  return findings.length > 0 ? 'changed-outside' : 'clean';
}
