// One step of a run (encrypt, rsync or the rclone push): its counts from the estimate or the finished step, and
// while it runs, live progress (files, bytes, rate, ETA).
import type { LiveStep, StepCounts, StepKind, StepRecord } from '../types';
import { bytes, eta, pct, rate } from '../format';

const STEP_LABEL: Record<StepKind, string> = { encrypt: 'Encrypt', rsync: 'rsync', cloud: 'rclone push', prune: 'Prune' };

export function Counts({ c }: { c: StepCounts }) {
  return (
    <dl className="counts">
      <div>
        <dt>new</dt>
        <dd data-testid="count-new">{c.newFiles}</dd>
      </div>
      <div>
        <dt>changed</dt>
        <dd>{c.changedFiles}</dd>
      </div>
      <div>
        <dt>deleted</dt>
        <dd className={c.deletedFiles > 0 ? 'warn' : ''}>{c.deletedFiles}</dd>
      </div>
      <div>
        <dt>files</dt>
        <dd>{c.files}</dd>
      </div>
      <div>
        <dt>bytes</dt>
        <dd>{bytes(c.bytes)}</dd>
      </div>
    </dl>
  );
}

/** Counts of a step as the run log keeps them. */
function loggedCounts(s: StepRecord): StepCounts {
  return { newFiles: s.filesNew, changedFiles: s.filesChanged, deletedFiles: s.filesDeleted, files: s.files, bytes: s.bytes };
}

/**
 * What a step panel shows, most recent first: the live run, else the newest estimate, else
 * the last run in the log.
 */
export function StepPanel({
  step,
  estimate,
  estimateNote,
  stale,
  live,
  logged,
}: {
  step: StepKind;
  estimate?: StepCounts;
  /** what the estimate of this step says about itself ("includes the files the encrypt step will write") */
  estimateNote?: string;
  /** the estimate is out of date */
  stale?: boolean;
  live?: LiveStep;
  logged?: StepRecord;
}) {
  const status = live?.status ?? (estimate ? (stale ? 'stale' : 'estimated') : logged ? logged.status : 'idle');
  const running = live?.status === 'running';
  const p = live ? pct(live.bytesTotal > 0 ? live.bytes : live.files, live.bytesTotal > 0 ? live.bytesTotal : live.filesTotal) : 0;
  return (
    <section className={`step step-${status}`} data-testid={`step-${step}`} data-status={status}>
      <header>
        <span className={`badge badge-${step}`}>{STEP_LABEL[step]}</span>
        <span className={`status status-${status}`}>{status}</span>
      </header>
      {live && (live.status === 'running' || live.bytes > 0 || live.files > 0) && (
        <div className="progress-block">
          <div className="bar" role="progressbar" aria-valuenow={p} aria-valuemin={0} aria-valuemax={100}>
            <div className={running ? 'fill running' : 'fill'} style={{ width: `${live.status === 'ok' ? 100 : p}%` }} />
          </div>
          <div className="progress-text" data-testid={`progress-${step}`}>
            {live.files}
            {live.filesTotal ? ` / ${live.filesTotal}` : ''} files · {bytes(live.bytes)}
            {live.bytesTotal ? ` / ${bytes(live.bytesTotal)}` : ''} · {rate(live.rateBps)} · ETA {eta(live.etaSec)}
          </div>
          {running && live.file && (
            <div className="progress-file" data-testid={`progress-file-${step}`} title={live.file}>
              {live.file}
            </div>
          )}
        </div>
      )}
      {live?.counts ? (
        <Counts c={live.counts} />
      ) : estimate ? (
        <Counts c={estimate} />
      ) : logged ? (
        <Counts c={loggedCounts(logged)} />
      ) : running || live?.status === 'waiting' ? null : (
        <p className="muted">not estimated yet</p>
      )}
      {live?.message && live.message !== estimateNote && <p className={live.status === 'ok' ? 'step-note' : 'step-message'}>{live.message}</p>}
      {!running && estimate && estimateNote && (
        <p className="step-note" data-testid={`estimate-note-${step}`}>
          {estimateNote}
        </p>
      )}
    </section>
  );
}
