// The resumable sample of a deep server verify (kopia's "a share a day"): which files of a
// task's server copy (per snapshot) earlier deep verifies have read, so the next one reads
// others, until every file was covered once; then a new round starts. Kept as a small JSON file
// per task and snapshot under `<home>/verify-coverage/<profile>/`, written atomically (0600);
// a damaged or foreign file only restarts the round. Also the parsers of --sample and
// --max-duration, pure.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ensurePrivateDir } from '../util/home.js';
import { UsageError } from '../util/errors.js';
import type { ServerEntry } from './server-names.js';

/** How much one deep verify reads: a share of the files, a number of files, or a byte budget. */
export type SampleSpec = { percent: number } | { files: number } | { bytes: number };

export const DEFAULT_SAMPLE: SampleSpec = { percent: 10 };

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `10%` (of the files), `25` (files), `500M` / `2G` / `100k` (bytes of ciphertext, powers of 1024). */
export function parseSampleSpec(text: string, field = '--sample'): SampleSpec {
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const percent = Number(pct[1]);
    if (percent <= 0 || percent > 100) throw new UsageError(`${field}: a share must be more than 0% and at most 100%, got "${text}"`, field);
    return { percent };
  }
  if (/^\d+$/.test(t)) {
    const files = Number(t);
    if (files < 1 || !Number.isSafeInteger(files)) throw new UsageError(`${field}: a number of files must be 1 or more, got "${text}"`, field);
    return { files };
  }
  const size = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(t);
  if (size && size[2] !== '') {
    const bytes = Math.floor(Number(size[1]) * (SIZE_UNITS[(size[2] as string).toLowerCase()] as number));
    if (bytes < 1) throw new UsageError(`${field}: a size must be at least 1 byte, got "${text}"`, field);
    return { bytes };
  }
  throw new UsageError(`${field}: give a share (10%), a number of files (25) or a size (500M, 2G), got "${text}"`, field);
}

/** `10m`, `90s`, `1h`, `1.5h` → milliseconds. */
export function parseDuration(text: string, field = '--max-duration'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smh])$/i.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * (DURATION_UNITS[(m[2] as string).toLowerCase()] as number)) : NaN;
  if (!Number.isFinite(ms) || ms < 1000) throw new UsageError(`${field}: give a duration of at least 1s, such as 90s, 10m or 1h, got "${text}"`, field);
  return ms;
}

export interface Coverage {
  version: 1;
  /** 1 for the first pass over the files, then one more each time all were covered */
  round: number;
  /** encrypted paths read in this round */
  covered: string[];
}

function coveragePath(home: string, profile: string, label: string, snapshot: string | undefined): string {
  const name = `${label}${snapshot !== undefined ? `@${snapshot}` : ''}`.replace(/[^A-Za-z0-9._@-]/g, '_');
  return join(home, 'verify-coverage', profile, `${name}.json`);
}

export async function loadCoverage(home: string, profile: string, label: string, snapshot?: string): Promise<Coverage> {
  try {
    const v = JSON.parse(await readFile(coveragePath(home, profile, label, snapshot), 'utf8')) as Partial<Coverage>;
    if (v.version === 1 && Number.isInteger(v.round) && Array.isArray(v.covered) && v.covered.every((c) => typeof c === 'string')) return v as Coverage;
  } catch {
    /* none yet, or unreadable: a new round */
  }
  return { version: 1, round: 1, covered: [] };
}

export async function saveCoverage(home: string, profile: string, label: string, snapshot: string | undefined, c: Coverage): Promise<void> {
  const path = coveragePath(home, profile, label, snapshot);
  ensurePrivateDir(join(path, '..'));
  await writeFileAtomic(path, `${JSON.stringify(c)}\n`);
}

/**
 * The files the next deep verify reads, in random order: first files not yet covered this round,
 * as many as the spec allows (at least one); when the round's open files are fewer, the sample is
 * filled up from the others and a new round begins. Entries gone from the server no longer count
 * as covered. `random` is injectable so tests can replay an order.
 */
export function chooseSample(files: ServerEntry[], c: Coverage, spec: SampleSpec, random: () => number = Math.random): { sample: ServerEntry[]; coverage: Coverage } {
  const present = new Set(files.map((f) => f.enc));
  const covered = new Set(c.covered.filter((p) => present.has(p)));
  const order = [...shuffled(files.filter((f) => !covered.has(f.enc)), random), ...shuffled(files.filter((f) => covered.has(f.enc)), random)];
  const open = files.length - covered.size;
  let sample: ServerEntry[];
  if ('bytes' in spec) {
    sample = [];
    let sum = 0;
    for (const f of order) {
      if (sample.length > 0 && sum + f.encSize > spec.bytes) break;
      sample.push(f);
      sum += f.encSize;
    }
  } else {
    const n = 'files' in spec ? spec.files : Math.ceil((files.length * spec.percent) / 100);
    sample = order.slice(0, Math.max(1, n));
  }
  // reaching past the open files (or none being left) starts the next round
  if (files.length > 0 && sample.length > open) return { sample, coverage: { version: 1, round: c.round + 1, covered: [] } };
  if (open === 0 && files.length > 0) return { sample, coverage: { version: 1, round: c.round + 1, covered: [] } };
  return { sample, coverage: { version: 1, round: c.round, covered: [...covered] } };
}

function shuffled<T>(a: T[], random: () => number): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
