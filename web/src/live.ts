// The live connection: an EventSource on /api/events, opened with a single-use ticket (the
// token itself never goes into a URL). Every `hello` (first connect and every reconnect) makes
// the page reload its full state, so nothing missed while offline lingers.
import { useEffect, useRef, useState } from 'react';
import type { EngineEvent, LiveRun, LiveStep } from './types';
import { accessToken, authHeaders } from './auth';

export type Connection = 'connecting' | 'live' | 'offline' | 'signed-out';

/** Wait before opening a new stream after one failed. */
const REOPEN_MS = 2000;

export function useLive(onHello: () => void, onEvent: (e: EngineEvent) => void): Connection {
  const [state, setState] = useState<Connection>('connecting');
  const handlers = useRef({ onHello, onEvent });
  handlers.current = { onHello, onEvent };
  useEffect(() => {
    let es: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gone = false;
    const retry = () => {
      if (!gone) timer = setTimeout(connect, REOPEN_MS);
    };
    // every stream needs a fresh ticket: EventSource cannot send the token, and a ticket works once
    const connect = () => {
      fetch('/api/events/ticket', { method: 'POST', credentials: 'omit', headers: authHeaders() }).then(
        async (r) => {
          if (gone) return;
          if (r.status === 401) return setState('signed-out');
          if (!r.ok) return retry();
          const { ticket } = (await r.json()) as { ticket: string };
          if (!gone) open(ticket);
        },
        () => {
          setState('offline');
          retry();
        },
      );
    };
    const open = (ticket: string) => {
      es = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
      es.addEventListener('hello', () => {
        setState('live');
        handlers.current.onHello();
      });
      es.addEventListener('engine', (m) => {
        try {
          handlers.current.onEvent(JSON.parse((m as MessageEvent<string>).data) as EngineEvent);
        } catch {
          /* a malformed message is ignored; the next hello reloads everything */
        }
      });
      es.onerror = () => {
        // the browser's own reconnect would reuse the spent ticket: close and start over
        setState('offline');
        es?.close();
        retry();
      };
    };
    if (accessToken() === null) setState('signed-out');
    else connect();
    return () => {
      gone = true;
      clearTimeout(timer);
      es?.close();
    };
  }, []);
  return state;
}

function emptyStep(step: LiveStep['step']): LiveStep {
  return { step, status: 'waiting', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0, rateBps: 0, etaSec: null };
}

/** Folds one engine event into the map of live runs (runId -> LiveRun). Pure. */
export function applyRunEvent(runs: Record<number, LiveRun>, e: EngineEvent): Record<number, LiveRun> {
  if (!('runId' in e)) return runs;
  if (e.type === 'run-start') {
    return { ...runs, [e.runId]: { runId: e.runId, task: e.task, dryRun: e.dryRun, status: 'running', steps: e.steps.map(emptyStep) } };
  }
  const run = runs[e.runId];
  if (!run) return runs;
  const setStep = (step: string, f: (s: LiveStep) => LiveStep): LiveRun => ({
    ...run,
    steps: run.steps.some((s) => s.step === step) ? run.steps.map((s) => (s.step === step ? f(s) : s)) : [...run.steps, f(emptyStep(step as LiveStep['step']))],
  });
  switch (e.type) {
    case 'step-start':
      return { ...runs, [e.runId]: setStep(e.step, (s) => ({ ...s, status: 'running' })) };
    case 'progress':
      return {
        ...runs,
        [e.runId]: setStep(e.step, (s) => {
          const { file: _previous, ...rest } = s;
          return { ...rest, files: e.files, filesTotal: e.filesTotal, bytes: e.bytes, bytesTotal: e.bytesTotal, rateBps: e.rateBps, etaSec: e.etaSec, ...(e.file ? { file: e.file } : {}) };
        }),
      };
    case 'step-end':
      return {
        ...runs,
        [e.runId]: setStep(e.step, (s) => ({ ...s, status: e.status, counts: e.counts, etaSec: null, ...(e.message ? { message: e.message } : {}) })),
      };
    case 'log':
      return { ...runs, [e.runId]: { ...run, lastLog: `${e.level}: ${e.message}` } };
    case 'run-end':
      return { ...runs, [e.runId]: { ...run, status: e.status, exitCode: e.exitCode, durationMs: e.durationMs } };
    default:
      return runs;
  }
}
