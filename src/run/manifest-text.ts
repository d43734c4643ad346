// The words of a manifest check (docs/manifest.md), for every front end (the CLI prints them,
// the web API returns them in `text`): one headline with the verdict, then one line per finding.
import { displayName } from '../crypt/index.js';
import type { ManifestReport } from '../integrity/index.js';

export function manifestReportText(r: ManifestReport): string[] {
  const how = r.deep ? 'deep: every file hashed' : 'cheap: listing, sizes and mtimes';
  const gen = r.generation === null ? '' : `manifest generation ${r.generation} (${r.manifestTime ?? '?'})`;
  const head: Record<ManifestReport['verdict'], string> = {
    none: 'no manifest in this catalog yet (the next encrypt by cryptsync writes one); nothing checked against it',
    clean: `${gen}: the catalog matches it, ${r.files} files (${how})`,
    'changed-outside': `changed outside cryptsync since generation ${r.generation ?? '?'}: ${r.findings.length} paths differ (${how}); the next encrypt writes generation ${(r.generation ?? 0) + 1}`,
    tampered: `TAMPERED: ${r.findings.filter((f) => f.class === 'attack').length} findings of tampering${gen ? ` against ${gen}` : ''} (${how})`,
  };
  return [head[r.verdict], ...r.findings.map((f) => `${f.class === 'attack' ? 'tampered' : 'changed'}: ${f.kind}: ${displayName(f.path)}: ${f.detail}`), ...r.notes.map((n) => `note: ${n}`)];
}
