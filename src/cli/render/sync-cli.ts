// Small pieces the encrypt/restore/mapping/verify commands share: repeatable options,
// whole-number options, and the options every catalog call of the engine takes.
import { UsageError } from '../../util/errors.js';
import type { CatalogCallOptions, FilterOptions } from '../../run/index.js';

export type Opts = Record<string, unknown>;

/** commander collector for repeatable options */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole-number flag in min..max (max: a cap such as MAX_TRANSFERS; the message gives the range). */
export function wholeNumber(v: unknown, flag: string, min = 0, max?: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const ok = Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max);
  if (!ok) throw new UsageError(max === undefined ? `${flag} must be a whole number >= ${min}` : `${flag} must be a whole number from ${min} to ${max}`, flag);
  return n;
}

/** --config (a rclone.conf; an empty one means the default) and the abort signal */
export function catalogOptions(o: Opts, signal: AbortSignal): CatalogCallOptions {
  return { ...(typeof o.config === 'string' && o.config !== '' ? { config: o.config } : {}), signal };
}

/** --include / --exclude / --exclude-from, or undefined when none is given */
export function filterOptions(o: Opts): FilterOptions | undefined {
  const f: FilterOptions = {
    ...(o.include ? { include: o.include as string[] } : {}),
    ...(o.exclude ? { exclude: o.exclude as string[] } : {}),
    ...(o.excludeFrom ? { excludeFrom: o.excludeFrom as string[] } : {}),
  };
  return Object.keys(f).length > 0 ? f : undefined;
}

/** --profile, for a task named where a remote may be */
export function profileOption(o: Opts): { profile?: string } {
  return typeof o.profile === 'string' && o.profile !== '' ? { profile: o.profile } : {};
}
