// The retention rules of a snapshot task in the task form: flat form values named
// `retention.<field>` (so the server's issue paths, e.g. "retention.keepDaily", land under the
// right input), turned back into the task's `retention` object. The server validates.
import type { ChangeEvent } from 'react';
import { Field } from './form-bits';

type Values = Record<string, string | boolean>;

const PREFIX = 'retention.';
/** the count rules, with their labels (restic's keep-* options) */
const COUNTS: ReadonlyArray<[string, string]> = [
  ['keepLast', 'keep last'],
  ['keepHourly', 'hourly'],
  ['keepDaily', 'daily'],
  ['keepWeekly', 'weekly'],
  ['keepMonthly', 'monthly'],
  ['keepYearly', 'yearly'],
];
const NUMBERS = [...COUNTS.map(([k]) => k), 'maxRemovePercent'];

/** form values of a saved retention object */
export function retentionValues(r: unknown): Values {
  const v: Values = {};
  if (typeof r !== 'object' || r === null) return v;
  for (const [k, x] of Object.entries(r as Record<string, unknown>)) {
    if (typeof x === 'boolean') v[PREFIX + k] = x;
    else if (x !== undefined && x !== null) v[PREFIX + k] = String(x);
  }
  return v;
}

/** the retention object of the form values, or undefined when every field is empty */
export function retentionInput(v: Values): Record<string, unknown> | undefined {
  const r: Record<string, unknown> = {};
  for (const [key, x] of Object.entries(v)) {
    if (!key.startsWith(PREFIX)) continue;
    const k = key.slice(PREFIX.length);
    if (k === 'pruneAfterRun') {
      if (x === true) r[k] = true;
      continue;
    }
    const s = String(x).trim();
    if (s === '') continue;
    r[k] = NUMBERS.includes(k) && /^\d+(\.\d+)?$/.test(s) ? Number(s) : s;
  }
  return Object.keys(r).length > 0 ? r : undefined;
}

interface Props {
  values: Values;
  errors: Record<string, string>;
  set(key: string, value: string | boolean): void;
}

export function RetentionFields({ values, errors, set }: Props) {
  const text = (k: string) => ({
    name: PREFIX + k,
    value: String(values[PREFIX + k] ?? ''),
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => set(PREFIX + k, e.target.value),
    'aria-invalid': errors[PREFIX + k] ? true : undefined,
  });
  return (
    <fieldset className="retention" data-testid="retention-fields">
      <legend>Retention (what prune keeps; the newest snapshot always stays)</legend>
      <div className="row">
        {COUNTS.map(([k, label]) => (
          <Field key={k} label={label} name={PREFIX + k} error={errors[PREFIX + k]}>
            <input {...text(k)} inputMode="numeric" size={4} />
          </Field>
        ))}
      </div>
      <div className="row">
        <Field label="keep within" name={`${PREFIX}keepWithin`} error={errors[`${PREFIX}keepWithin`]} hint="of the newest snapshot, e.g. 30d, 2w, 1y2m">
          <input {...text('keepWithin')} placeholder="30d" />
        </Field>
        <Field label="plan" name={`${PREFIX}preset`} error={errors[`${PREFIX}preset`]} hint="RsyncOSX: all of this week, last of each week this month, last of each month">
          <select {...text('preset')}>
            <option value="">none</option>
            <option value="rsyncosx">RsyncOSX plan</option>
          </select>
        </Field>
        <Field label="time zone" name={`${PREFIX}timeZone`} error={errors[`${PREFIX}timeZone`]} hint="of the day/week buckets (default: the server machine's)">
          <input {...text('timeZone')} placeholder="Europe/Berlin" />
        </Field>
      </div>
      <div className="checks">
        <label>
          <input
            name={`${PREFIX}pruneAfterRun`}
            type="checkbox"
            checked={values[`${PREFIX}pruneAfterRun`] === true}
            onChange={(e) => set(`${PREFIX}pruneAfterRun`, e.target.checked)}
          />{' '}
          prune after each successful run
        </label>
        {errors[`${PREFIX}pruneAfterRun`] && <span className="field-error" role="alert">{errors[`${PREFIX}pruneAfterRun`]}</span>}
      </div>
    </fieldset>
  );
}
