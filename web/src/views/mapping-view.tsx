// Mapping: every plain name next to its encrypted name on disk, searchable in both directions.
import { useEffect, useMemo, useState } from 'react';
import { errorText, get, q } from '../api';
import { bytes } from '../format';
import { MiddleEllipsis } from './middle-ellipsis';
import { SourcePicker } from './source-picker';

interface Entry {
  plain: string;
  encrypted: string;
  type: 'file' | 'dir';
  size?: number;
}

/** Rows drawn at once; the search narrows big catalogs down. */
const MAX_ROWS = 2000;

export function MappingView({ sources }: { sources: string[] }) {
  const [source, setSource] = useState(sources[0] ?? '');
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');

  useEffect(() => {
    if (!source && sources[0]) setSource(sources[0]);
  }, [sources, source]);
  useEffect(() => {
    if (!source) return;
    let gone = false;
    setEntries(null);
    setError(null);
    get<Entry[]>(`/api/mapping${q({ source })}`).then(
      (e) => !gone && setEntries(e),
      (e) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [source]);

  const shown = useMemo(() => {
    const s = search.trim().toLowerCase();
    const all = entries ?? [];
    return s ? all.filter((e) => e.plain.toLowerCase().includes(s) || e.encrypted.toLowerCase().includes(s)) : all;
  }, [entries, search]);

  return (
    <div className="pane full">
      <div className="toolbar">
        <SourcePicker sources={sources} value={source} onChange={setSource} />
        <input type="search" placeholder="Search plain or encrypted names" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="search names" className="search" />
        <span className="muted">{entries ? `${shown.length} of ${entries.length}` : ''}</span>
      </div>
      {error && <p className="form-error">{error}</p>}
      <div className="table-wrap">
        <table className="grid mapping" aria-label="name mapping">
          <thead>
            <tr>
              <th className="w-name">Plain name</th>
              <th className="w-name">Encrypted name</th>
              <th className="num w-size">Size</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, MAX_ROWS).map((e) => (
              <tr key={e.encrypted + e.plain}>
                <td className={e.type === 'dir' ? 'cut icon-dir' : 'cut icon-file'}>
                  <MiddleEllipsis text={e.plain} />
                </td>
                <td className="cut mono">
                  <MiddleEllipsis text={e.encrypted} />
                </td>
                <td className="num">{e.type === 'file' ? bytes(e.size) : ''}</td>
              </tr>
            ))}
            {entries && shown.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  Nothing {search ? 'matches' : 'in this catalog yet'}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {shown.length > MAX_ROWS && <p className="muted pad">Showing the first {MAX_ROWS}; search to narrow down.</p>}
      </div>
    </div>
  );
}
