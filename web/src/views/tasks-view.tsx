// The task table (RsyncOSX-like): type with a combined badge and row colour, both steps shown,
// days since last run (red past the threshold), last run or "not verified (dry run)", a green
// estimated marker; below it the selected task's steps with estimate counts and live progress.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { get } from '../api';
import { relative, when } from '../format';
import { ariaKeys, keyLabel } from '../shortcuts';
import type { BatchState, LiveRun, RemoteView, RunRecord, TaskView } from '../types';
import { StepPanel } from './step-panel';
import { RunCharts } from './run-charts';
import { StatusStrip } from './status-strip';
import { EstimateCell, estimateState } from './estimate-cell';
import { sendsPlain } from '../plain-push';
import { SafetySummary, nextRunText } from './safety-summary';

/** the task types that push a folder and so can be connected to an encrypt task */
const PUSH_TYPES: readonly TaskView['type'][] = ['synchronize', 'snapshot', 'cloud'];

/** each action starts at once and reports its own failure as the page notice */
export interface TaskActions {
  select(name: string): void;
  estimate(name: string): void;
  execute(name: string): void;
  abort(runId: number): void;
  batch(mode: 'estimate' | 'run-changed'): void;
  abortBatch(): void;
  add(): void;
  edit(t: TaskView): void;
  connect(t: TaskView): void;
  /** a run with the overridable guards lifted, after the user confirms */
  forceRun(name: string, reason: string): void;
  disconnect(name: string): void;
  /** shows one run in Logs */
  openRun(runId: number): void;
  /** the ssh set-up dialog for the task's server */
  sshSetup(t: TaskView): void;
  remove(name: string): void;
  loadDemo(): void;
}

interface Props {
  tasks: TaskView[] | null;
  live: Record<number, LiveRun>;
  batch: BatchState | null;
  selected: string | null;
  actions: TaskActions;
  /** changes whenever the run log may have changed */
  runsVersion: number;
  /** the crypt remotes: a push from inside their folders sends ciphertext */
  remotes: RemoteView[];
}

/** the clock for "estimated 3 min ago", ticking every half minute */
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

function latestRunOf(live: Record<number, LiveRun>, task: string): LiveRun | undefined {
  return Object.values(live)
    .filter((r) => r.task === task)
    .sort((a, b) => b.runId - a.runId)[0];
}

function TypeCell({ t, usedBy }: { t: TaskView; usedBy: string[] }) {
  if (t.combined && t.type !== 'encrypt') {
    return (
      <td className="type">
        <span className="badge badge-combined">combined</span>
        <span className="steps-inline">
          encrypt <span aria-hidden>→</span> {t.type}
        </span>
      </td>
    );
  }
  return (
    <td className="type">
      <span className={`badge badge-${t.type}`}>{t.type}</span>
      {usedBy.length > 0 && <span className="steps-inline muted">first step of {usedBy.join(', ')}</span>}
    </td>
  );
}

export function TasksView({ tasks, live, batch, selected, actions, runsVersion, remotes }: Props) {
  const now = useNow();
  const tableRef = useRef<HTMLTableSectionElement>(null);
  const [commands, setCommands] = useState<Array<{ step: string; shell: string }>>([]);
  const [lastRun, setLastRun] = useState<RunRecord | null>(null);
  const sel = tasks?.find((t) => t.name === selected);

  useEffect(() => {
    setLastRun(null);
    if (!selected) return;
    let gone = false;
    get<RunRecord[]>(`/api/runs?task=${encodeURIComponent(selected)}&limit=1`).then(
      (r) => !gone && setLastRun(r[0] ?? null),
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [selected, runsVersion]);

  useEffect(() => {
    setCommands([]);
    if (!sel) return;
    let gone = false;
    get<Array<{ step: string; shell: string }>>(`/api/tasks/${encodeURIComponent(sel.name)}/command`).then(
      (c) => !gone && setCommands(c),
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [sel?.name, sel?.task]);

  useEffect(() => {
    const row = tableRef.current?.querySelector<HTMLElement>('tr.selected');
    row?.scrollIntoView({ block: 'nearest' });
    // roving tabindex: while the keyboard is in the table, focus follows the selection
    if (row && tableRef.current?.contains(document.activeElement) && document.activeElement !== row) row.focus();
  }, [selected]);

  /** rows: arrows move (the selection and the focus), Home/End jump, Enter opens the task */
  function onRowKey(e: ReactKeyboardEvent<HTMLTableRowElement>, t: TaskView): void {
    if (!tasks || e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const i = tasks.findIndex((x) => x.name === t.name);
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: tasks.length - 1 }[e.key];
    if (e.key === 'Enter') {
      e.preventDefault();
      actions.edit(t);
    } else if (to !== undefined) {
      e.preventDefault();
      e.stopPropagation();
      const next = tasks[Math.max(0, Math.min(tasks.length - 1, to))];
      if (next) actions.select(next.name);
      if (next?.name === t.name) e.currentTarget.focus();
    }
  }

  if (tasks === null) return <p className="muted pad">Loading…</p>;
  const selRun = sel ? latestRunOf(live, sel.name) : undefined;
  const selRunning = sel?.running ?? (selRun?.status === 'running' ? selRun.runId : null);

  return (
    <div className="tasks-view">
      <div className="toolbar">
        <button onClick={() => sel && actions.estimate(sel.name)} disabled={!sel || selRunning !== null} title="Estimate the selected task (E)">
          Estimate
        </button>
        <button
          className="primary"
          onClick={() => sel && actions.execute(sel.name)}
          disabled={!sel || selRunning !== null}
          title={`Run the selected task (${keyLabel('execute')})`}
          aria-keyshortcuts={ariaKeys('execute')}
        >
          Run <kbd>{keyLabel('execute')}</kbd>
        </button>
        <button className="danger" onClick={() => selRunning !== null && actions.abort(selRunning)} disabled={selRunning === null}>
          Abort
        </button>
        <span className="sep" />
        <button onClick={() => actions.batch('estimate')} disabled={batch !== null || tasks.length === 0} title={`Estimate every task, one after another (${keyLabel('estimate-all')})`} aria-keyshortcuts={ariaKeys('estimate-all')}>
          Estimate all <kbd>{keyLabel('estimate-all')}</kbd>
        </button>
        <button onClick={() => actions.batch('run-changed')} disabled={batch !== null || !tasks.some((t) => t.estimate && t.estimate.error === undefined && (t.estimate.hasChanges || t.estimate.stale !== undefined))} title={`Run every task whose estimate found changes (${keyLabel('run-changed')})`} aria-keyshortcuts={ariaKeys('run-changed')}>
          Run all with changes <kbd>{keyLabel('run-changed')}</kbd>
        </button>
        {batch && (
          <span className="batch" data-testid="batch">
            {batch.mode === 'estimate' ? 'Estimating' : 'Running'} {batch.done.length + 1}/{batch.tasks.length}
            {batch.current ? `: ${batch.current}` : ''}{' '}
            <button className="link" onClick={() => actions.abortBatch()}>
              stop
            </button>
          </span>
        )}
        <span className="grow" />
        <button onClick={actions.add}>+ Add task</button>
        <button onClick={() => sel && actions.edit(sel)} disabled={!sel}>
          Edit
        </button>
        {sel && PUSH_TYPES.includes(sel.type) && (
          sel.combined ? (
            <button onClick={() => actions.disconnect(sel.name)}>Disconnect</button>
          ) : (
            <button onClick={() => actions.connect(sel)}>Connect…</button>
          )
        )}
        {sel?.server && (
          <button onClick={() => actions.sshSetup(sel)} title={`trust ${sel.server}'s host key, make and install a key, test the login`}>
            Set up ssh…
          </button>
        )}
        <button className="danger-quiet" onClick={() => sel && actions.remove(sel.name)} disabled={!sel || selRunning !== null}>
          Delete
        </button>
      </div>

      <SafetySummary tasks={tasks} onSelect={actions.select} />
      {tasks.length > 0 && <StatusStrip version={runsVersion} onOpenRun={actions.openRun} />}

      {tasks.length === 0 ? (
        <div className="empty">
          <h2>No tasks yet</h2>
          <p>Start with the demo profile: a small plain folder, a crypt remote, an encrypt task and a synchronize task to a local “server” folder, connected as one combined task.</p>
          <p>
            <button className="primary big" onClick={actions.loadDemo} data-testid="load-demo">
              Load the demo profile
            </button>{' '}
            or <button className="link" onClick={actions.add}>add your own task</button>.
          </p>
        </div>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="task table">
          <table className="grid tasks" aria-label="tasks">
            <thead>
              <tr>
                <th>Type</th>
                <th>Name</th>
                <th className="secondary">Source</th>
                <th className="secondary">Destination</th>
                <th className="secondary">Server</th>
                <th className="num secondary">Days</th>
                <th>Last run</th>
                <th className="secondary">Next run</th>
                <th>Estimate</th>
              </tr>
            </thead>
            <tbody ref={tableRef}>
              {tasks.map((t) => {
                const run = latestRunOf(live, t.name);
                const cls = [t.name === selected ? 'selected' : '', t.combined && t.type !== 'encrypt' ? 'combined' : '', t.running !== null ? 'is-running' : '']
                  .filter(Boolean)
                  .join(' ');
                return (
                  <tr
                    key={t.name}
                    className={cls}
                    onClick={() => actions.select(t.name)}
                    onDoubleClick={() => actions.edit(t)}
                    onKeyDown={(e) => onRowKey(e, t)}
                    tabIndex={t.name === (sel?.name ?? tasks[0]?.name) ? 0 : -1}
                    aria-selected={t.name === selected}
                    data-task={t.name}
                  >
                    <TypeCell t={t} usedBy={tasks.filter((x) => x.combined && x.connectedTo === t.name).map((x) => x.name)} />
                    <td className="name">
                      {t.name}
                      {sendsPlain(t, remotes) && (
                        <span className="badge badge-plain" data-testid="sends-plain" title="this task sends unencrypted files to the server">
                          unencrypted
                        </span>
                      )}
                    </td>
                    <td className="path secondary" title={t.source}>
                      {t.source}
                    </td>
                    <td className="path secondary" title={t.destination}>
                      {t.destination}
                    </td>
                    <td className="secondary">{t.server ? `${t.user ? `${t.user}@` : ''}${t.server}` : <span className="muted">local</span>}</td>
                    <td className={t.overdue ? 'num secondary overdue' : 'num secondary'} title={`threshold ${t.thresholdDays} days`}>
                      {t.daysSince === null ? '–' : t.daysSince.toFixed(t.daysSince < 10 ? 1 : 0)}
                    </td>
                    <td>
                      {t.lastRunAt ? (
                        <>
                          {when(t.lastRunAt)} <span className={`status status-${t.lastStatus}`}>{t.lastStatus}</span>
                        </>
                      ) : (
                        <span className="not-verified">not verified (dry run)</span>
                      )}
                    </td>
                    <td className="next-run secondary" data-testid="next-run-cell">
                      {t.safety.scheduled ? nextRunText(t, Date.now()) : <span className="muted">–</span>}
                    </td>
                    <EstimateCell t={t} run={run} now={now} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {tasks.length > 0 && (
        <div className="statusbar">
          <span>
            {tasks.length} task{tasks.length === 1 ? '' : 's'}
            {tasks.some((t) => t.overdue) ? ` · ${tasks.filter((t) => t.overdue).length} overdue` : ''}
          </span>
          <span className="keys">
            <kbd>↑</kbd>
            <kbd>↓</kbd> select · <kbd>E</kbd> estimate · <kbd>{keyLabel('execute')}</kbd> run · <kbd>{keyLabel('estimate-all')}</kbd> estimate all · <kbd>{keyLabel('run-changed')}</kbd> run all with changes · double-click edits
          </span>
        </div>
      )}

      {sel && (
        <div className="detail" data-testid="task-detail">
          <div className="detail-head">
            <h2>{sel.name}</h2>
            {selRun && (
              <span className={`status status-${selRun.status}`} data-testid="run-status">
                {selRun.dryRun ? 'estimate' : 'run'} #{selRun.runId}: {selRun.status}
              </span>
            )}
            {!selRun && lastRun && (
              <span className="muted" data-testid="last-run">
                last {lastRun.dryRun ? 'estimate' : 'run'} #{lastRun.id} {when(lastRun.startedAt)}
                {lastRun.startedBy !== 'manual' ? ` (started by the scheduler: ${lastRun.startedBy})` : ''} <span className={`status status-${lastRun.status}`}>{lastRun.status}</span>
              </span>
            )}
            {sel.estimate && (
              <span className={`est-when est-${estimateState(sel.estimate)}`} data-testid="estimate-when" title={when(sel.estimate.at)}>
                {sel.estimate.error !== undefined ? 'estimate failed' : 'estimated'} {relative(sel.estimate.at, Math.max(now, Date.now(), Date.parse(sel.estimate.at)))}
                {sel.estimate.stale && <> · stale: {sel.estimate.stale}</>}
              </span>
            )}
          </div>
          {sel.estimate?.error !== undefined && (
            <p className="step-message" role="alert" data-testid="estimate-error">
              The estimate failed: {sel.estimate.error}
            </p>
          )}
          {sendsPlain(sel, remotes) && (
            <p className="plain-warning" data-testid="sends-plain-detail">
              This task sends <b>unencrypted files</b> to {sel.server}: its source is a plain folder, not an encrypted catalog. Connect it to an encrypt task to send ciphertext only.
            </p>
          )}
          <div className="steps">
            {sel.steps.map((step, i) => {
              const estStep = sel.estimate?.error === undefined ? sel.estimate?.steps.find((s) => s.step === step) : undefined;
              const est = estStep?.counts;
              const liveStep = selRun?.steps.find((s) => s.step === step);
              const logged = selRun ? undefined : lastRun?.steps.find((s) => s.kind === step);
              return (
                <div className="step-wrap" key={step}>
                  {i > 0 && (
                    <span className="arrow" aria-hidden>
                      →
                    </span>
                  )}
                  <StepPanel step={step} {...(est ? { estimate: est } : {})} {...(estStep?.note ? { estimateNote: estStep.note } : {})} {...(sel.estimate?.stale ? { stale: true } : {})} {...(liveStep ? { live: liveStep } : {})} {...(logged ? { logged } : {})} />
                </div>
              );
            })}
          </div>
          {selRun?.lastLog && <p className="lastlog">{selRun.lastLog}</p>}
          {selRunning === null && lastRun && !lastRun.dryRun && lastRun.status === 'failed' && <GuardNotice task={sel.name} run={lastRun} onForce={actions.forceRun} />}
          <section className="history" aria-label={`history of ${sel.name}`}>
            <RunCharts task={sel.name} version={runsVersion} onOpenRun={actions.openRun} />
          </section>
          {commands.length > 0 && (
            <details className="commands">
              <summary>Command lines</summary>
              {commands.map((c) => (
                <pre key={c.step}>
                  <span className="muted"># {c.step}</span>
                  {'\n'}
                  {c.shell}
                </pre>
              ))}
            </details>
          )}
        </div>
      )}
    </div>
  );
}

/** Why the last run was refused by a guard that a forced run lifts, and the way to run anyway. */
function GuardNotice({ task, run, onForce }: { task: string; run: RunRecord; onForce(name: string, reason: string): void }) {
  const step = run.steps.find((s) => s.forcible);
  if (!step) return null;
  const reason = step.message ?? step.errorCode ?? 'refused by a guard';
  return (
    <div className="guard-notice" role="alert" data-testid="guard-notice">
      <p>
        <b>Run #{run.id} was stopped to protect the backup</b> ({step.kind} step): {reason}
      </p>
      <button className="danger" onClick={() => onForce(task, reason)}>
        Run anyway…
      </button>
    </div>
  );
}
