// Choice of an encrypted catalog: an encrypt task, or a crypt remote written NAME:.
export function SourcePicker({ sources, value, onChange }: { sources: string[]; value: string; onChange(v: string): void }) {
  return (
    <label>
      Catalog{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="catalog">
        {sources.length === 0 && <option value="">(no encrypt task or crypt remote yet)</option>}
        {sources.map((s) => (
          <option key={s} value={s}>
            {s.endsWith(':') ? `remote ${s}` : `task ${s}`}
          </option>
        ))}
      </select>
    </label>
  );
}
