// Small form building blocks: a labelled field with its inline error, and a modal frame.
import { useEffect, useRef, type ReactNode } from 'react';
import { useFocusTrap } from './focus-trap';

export function Field({ label, name, error, hint, children }: { label: string; name: string; error?: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <label className={error ? 'field has-error' : 'field'} data-field={name}>
      <span className="label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert" data-testid={`error-${name}`}>
          {error}
        </span>
      ) : (
        hint && <span className="hint">{hint}</span>
      )}
    </label>
  );
}

export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref);
  useEffect(() => {
    const el = ref.current;
    (el?.querySelector<HTMLElement>('input:not([disabled]), select, textarea') ?? el)?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={wide ? 'modal wide' : 'modal'} role="dialog" aria-modal="true" aria-label={title} ref={ref} tabIndex={-1}>
        <header>
          <h2>{title}</h2>
          <button type="button" className="link" onClick={onClose} aria-label="close dialog">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** One item per line, blank lines dropped. */
export function lines(s: string): string[] {
  return s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** A form's or view's error line, announced to screen readers; nothing when there is no error. */
export function ErrorAlert({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p className="form-error" role="alert">
      {text}
    </p>
  );
}
