// The app shell: navigation, the live connection, the shared state (tasks, live runs, batch)
// and the global keyboard shortcuts. Views get data and actions as props.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { errorText, get, post, api } from './api';
import { applyRunEvent, useLive, type Connection } from './live';
import { isTyping, shortcutOf } from './shortcuts';
import type { BatchState, EngineEvent, LiveRun, RemoteView, TaskView } from './types';
import { TasksView, type TaskActions } from './views/tasks-view';
import { LogsView } from './views/logs-view';
import { RestoreView } from './views/restore-view';
import { MappingView } from './views/mapping-view';
import { VerifyView } from './views/verify-view';
import { RemotesView } from './views/remotes-view';
import { TaskForm } from './views/task-form';
import { ConnectDialog } from './views/connect-dialog';
import { ForceRunDialog } from './views/force-run-dialog';
import { ThemeToggle } from './views/theme-toggle';
import { SshSetupDialog } from './views/ssh-setup-dialog';

type View = 'tasks' | 'logs' | 'restore' | 'mapping' | 'verify' | 'remotes';
const VIEWS: Array<[View, string]> = [
  ['tasks', 'Tasks'],
  ['logs', 'Logs'],
  ['restore', 'Restore'],
  ['mapping', 'Mapping'],
  ['verify', 'Verify'],
  ['remotes', 'Crypt remotes'],
];
const CONNECTION_LABEL: Record<Connection, string> = {
  connecting: 'connecting…',
  live: 'live',
  offline: 'reconnecting…',
  'signed-out': 'signed out',
};

type Dialog = null | { kind: 'add' } | { kind: 'edit'; task: TaskView } | { kind: 'connect'; task: TaskView } | { kind: 'force'; task: string; reason: string } | { kind: 'ssh'; task: TaskView };

function viewFromHash(): View {
  const h = location.hash.replace(/^#\/?/, '');
  return (VIEWS.find(([v]) => v === h)?.[0] ?? 'tasks') as View;
}

/** how often the task list (and its "is my data safe?" judgement) is refreshed without an event */
const SAFETY_REFRESH_MS = 60_000;

export function App() {
  const [view, setView] = useState<View>(viewFromHash);
  const [tasks, setTasks] = useState<TaskView[] | null>(null);
  const [remotes, setRemotes] = useState<RemoteView[]>([]);
  const [live, setLive] = useState<Record<number, LiveRun>>({});
  const [batch, setBatch] = useState<BatchState | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [runsVersion, setRunsVersion] = useState(0);
  const [restoreEvents, setRestoreEvents] = useState<EngineEvent[]>([]);
  const [allowCommands, setAllowCommands] = useState(false);
  /** the run Logs shows first (a click on a chart point or a day of the strip) */
  const [logRun, setLogRun] = useState<number | null>(null);

  const reloadTasks = useCallback(async () => {
    try {
      const t = await get<TaskView[]>('/api/tasks');
      setTasks(t);
      setSelected((s) => (s && t.some((x) => x.name === s) ? s : (t[0]?.name ?? null)));
    } catch (e) {
      setNotice({ kind: 'error', text: `Could not load tasks: ${errorText(e)}` });
    }
  }, []);
  const reloadRemotes = useCallback(async () => {
    try {
      setRemotes(await get<RemoteView[]>('/api/remotes'));
    } catch {
      setRemotes([]);
    }
  }, []);
  const reloadAll = useCallback(() => {
    void reloadTasks();
    void reloadRemotes();
    void get<{ state: BatchState | null }>('/api/batch').then((b) => setBatch(b.state), () => {});
    void get<{ allowCommands?: boolean }>('/api/info').then((i) => setAllowCommands(i.allowCommands === true), () => {});
    setRunsVersion((v) => v + 1);
  }, [reloadTasks, reloadRemotes]);

  const onEvent = useCallback(
    (e: EngineEvent) => {
      setLive((runs) => applyRunEvent(runs, e));
      if (e.type === 'run-start' || e.type === 'run-end' || e.type === 'tasks-changed' || (e.type === 'notice' && e.source === 'scheduler')) void reloadTasks();
      if (e.type === 'run-end' || e.type === 'run-start') setRunsVersion((v) => v + 1);
      if (e.type === 'batch') setBatch(e.state);
      if (e.type === 'batch-skip') setNotice({ kind: 'error', text: `${e.task}: ${e.message}` });
      if (e.type.startsWith('restore-')) setRestoreEvents((l) => [...l.slice(-200), e]);
    },
    [reloadTasks],
  );
  const connection = useLive(reloadAll, onEvent);

  // task edits made by another process are not announced live: refresh when the window comes back
  useEffect(() => {
    const f = () => document.visibilityState === 'visible' && void reloadTasks();
    window.addEventListener('focus', f);
    document.addEventListener('visibilitychange', f);
    // and now and then, so a task that passes its threshold turns red without any event
    const timer = setInterval(f, SAFETY_REFRESH_MS);
    return () => {
      window.removeEventListener('focus', f);
      document.removeEventListener('visibilitychange', f);
      clearInterval(timer);
    };
  }, [reloadTasks]);

  useEffect(() => {
    const f = () => setView(viewFromHash());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);

  /** starts an action and returns at once; its failure becomes the notice (so it never rejects) */
  const guard = useCallback((what: string, f: () => Promise<unknown>): void => {
    setNotice(null);
    f().catch((e: unknown) => setNotice({ kind: 'error', text: `${what}: ${errorText(e)}` }));
  }, []);

  const actions: TaskActions = {
    select: setSelected,
    estimate: (name) => guard('Estimate', () => post(`/api/tasks/${encodeURIComponent(name)}/runs`, { dryRun: true })),
    execute: (name) => guard('Run', () => post(`/api/tasks/${encodeURIComponent(name)}/runs`, { dryRun: false })),
    abort: (runId) => guard('Abort', () => post(`/api/runs/${runId}/abort`)),
    batch: (mode) => guard(mode === 'estimate' ? 'Estimate all' : 'Run all with changes', () => post('/api/batch', { mode })),
    abortBatch: () => guard('Abort', () => post('/api/batch/abort')),
    add: () => setDialog({ kind: 'add' }),
    edit: (task) => setDialog({ kind: 'edit', task }),
    connect: (task) => setDialog({ kind: 'connect', task }),
    forceRun: (task, reason) => setDialog({ kind: 'force', task, reason }),
    sshSetup: (task) => setDialog({ kind: 'ssh', task }),
    openRun: (runId) => {
      setLogRun(runId);
      location.hash = '#/logs';
      setView('logs');
    },
    disconnect: (name) =>
      guard('Disconnect', async () => {
        await post(`/api/tasks/${encodeURIComponent(name)}/disconnect`);
        await reloadTasks();
      }),
    remove: (name) =>
      guard('Delete', async () => {
        if (!window.confirm(`Delete task "${name}"? Its files are not touched.`)) return;
        await api('DELETE', `/api/tasks/${encodeURIComponent(name)}`);
        await reloadTasks();
      }),
    loadDemo: () =>
      guard('Demo', async () => {
        const r = await post<{ tasks: string[] }>('/api/demo');
        await reloadTasks();
        await reloadRemotes();
        setNotice({ kind: 'info', text: `Demo profile loaded: ${r.tasks.join(', ')}. Estimate, then run the combined task.` });
      }),
  };

  // the latest handler is read at key time; the listener itself is installed once
  const keyRef = useRef<(e: KeyboardEvent) => void>(() => {});
  keyRef.current = (e: KeyboardEvent) => {
    const sc = shortcutOf(e);
    if (!sc) return;
    if (sc === 'escape') {
      if (dialog) setDialog(null);
      return;
    }
    // in the Tasks view the run shortcuts are ours even while a form is open (no accidental reload)
    if (view === 'tasks' && (sc === 'execute' || sc === 'estimate-all' || sc === 'run-changed')) e.preventDefault();
    if (dialog || isTyping(e.target) || view !== 'tasks' || !tasks) return;
    const i = tasks.findIndex((t) => t.name === selected);
    const sel = tasks[i];
    switch (sc) {
      case 'down':
      case 'up': {
        e.preventDefault();
        const next = tasks[Math.max(0, Math.min(tasks.length - 1, i + (sc === 'down' ? 1 : -1)))];
        if (next) setSelected(next.name);
        break;
      }
      case 'execute':
        e.preventDefault();
        if (sel) actions.execute(sel.name);
        break;
      case 'estimate':
        if (sel) actions.estimate(sel.name);
        break;
      case 'estimate-all':
        e.preventDefault();
        actions.batch('estimate');
        break;
      case 'run-changed':
        e.preventDefault();
        actions.batch('run-changed');
        break;
    }
  };
  useEffect(() => {
    const f = (e: KeyboardEvent) => keyRef.current(e);
    window.addEventListener('keydown', f);
    return () => window.removeEventListener('keydown', f);
  }, []);

  /** the ARIA tabs pattern: arrows, Home and End move to a tab and show its view */
  const onTabKey = (e: ReactKeyboardEvent) => {
    const i = VIEWS.findIndex(([v]) => v === view);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = VIEWS[(to + VIEWS.length) % VIEWS.length];
    if (!next) return;
    location.hash = `#/${next[0]}`;
    setView(next[0]);
    document.getElementById(`tab-${next[0]}`)?.focus();
  };

  const encryptTasks = (tasks ?? []).filter((t) => t.type === 'encrypt');
  const sources = [...encryptTasks.map((t) => t.name), ...remotes.map((r) => `${r.name}:`)];

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <svg className="logo" viewBox="0 0 32 32" width="18" height="18" aria-hidden>
            <rect width="32" height="32" rx="6" fill="#2f6fd6" />
            <path d="M10 14v-3a6 6 0 0 1 12 0v3" stroke="#fff" strokeWidth="2.5" fill="none" />
            <rect x="8" y="14" width="16" height="12" rx="2" fill="#fff" />
          </svg>
          cryptsync
        </div>
        <nav className="tabs" role="tablist" aria-label="views" onKeyDown={onTabKey}>
          {VIEWS.map(([v, label]) => (
            <a
              key={v}
              id={`tab-${v}`}
              role="tab"
              aria-selected={view === v}
              aria-controls="view-panel"
              tabIndex={view === v ? 0 : -1}
              className={view === v ? 'tab active' : 'tab'}
              href={`#/${v}`}
              onClick={() => setView(v)}
            >
              {label}
            </a>
          ))}
        </nav>
        <div className={`conn conn-${connection}`} title="live updates from the server" data-testid="connection">
          <span className="dot" /> {CONNECTION_LABEL[connection]}
        </div>
        <ThemeToggle />
      </header>
      {connection === 'signed-out' && (
        <div className="notice notice-error" role="alert">
          <span>
            This page has no valid access token (the server was restarted, or the page was opened without its start-up URL). Open the URL that <code>cryptsync serve</code>{' '}
            printed, or print it again with <code>cryptsync serve --url</code>.
          </span>
        </div>
      )}
      {notice && (
        <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button className="link" onClick={() => setNotice(null)} aria-label="dismiss this message">
            ✕
          </button>
        </div>
      )}
      <main className="content" id="view-panel" role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'tasks' && <TasksView tasks={tasks} live={live} batch={batch} selected={selected} actions={actions} runsVersion={runsVersion} remotes={remotes} />}
        {view === 'logs' && <LogsView tasks={tasks ?? []} version={runsVersion} focusRun={logRun} />}
        {view === 'restore' && <RestoreView sources={sources} events={restoreEvents} />}
        {view === 'mapping' && <MappingView sources={sources} />}
        {view === 'verify' && <VerifyView encryptTasks={encryptTasks.map((t) => t.name)} />}
        {view === 'remotes' && <RemotesView remotes={remotes} onAdded={() => void reloadRemotes()} />}
      </main>
      {dialog?.kind === 'add' && (
        <TaskForm
          remotes={remotes}
          allowCommands={allowCommands}
          onClose={() => setDialog(null)}
          onSaved={(t) => {
            setDialog(null);
            void reloadTasks().then(() => setSelected(t.name));
          }}
        />
      )}
      {dialog?.kind === 'edit' && (
        <TaskForm
          remotes={remotes}
          allowCommands={allowCommands}
          existing={dialog.task}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            void reloadTasks();
          }}
        />
      )}
      {dialog?.kind === 'force' && <ForceRunDialog task={dialog.task} reason={dialog.reason} onClose={() => setDialog(null)} onStarted={() => setDialog(null)} />}
      {dialog?.kind === 'ssh' && <SshSetupDialog task={dialog.task} onClose={() => setDialog(null)} onDone={() => void reloadTasks()} />}
      {dialog?.kind === 'connect' && (
        <ConnectDialog
          task={dialog.task}
          encryptTasks={encryptTasks.map((t) => t.name)}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void reloadTasks();
          }}
        />
      )}
    </div>
  );
}

