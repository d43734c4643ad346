// What a notification says, built once for every target: the JSON a webhook gets, and the title
// and text of ntfy, Gotify and e-mail messages. Pure. It never holds a secret (no URL, no
// password, no command line), and no file name or path unless the target turns `names` on: the
// first error line is then scrubbed of paths and quoted names.
import type { RunStatus, RunTrigger, LoggedStepKind } from '../util/vocabulary.js';
import type { StepCounts } from './events.js';

export type NoticeEvent = 'start' | 'success' | 'failure' | 'overdue' | 'test';

export interface Notice {
  event: NoticeEvent;
  task: string;
  /** the machine that ran it */
  host: string;
  runId?: number;
  status?: RunStatus;
  startedBy?: RunTrigger;
  startedAt?: string;
  durationMs?: number;
  counts?: StepCounts;
  /** the step that did not succeed, and the first line of its error */
  failedStep?: LoggedStepKind;
  firstError?: string;
  lastGoodAt?: string | null;
  thresholdDays?: number;
  /** shown only with names on */
  source?: string;
  destination?: string;
}

/** Replaces paths (/a/b, ~/x, C:\x, host:/path) and quoted names in an error line. */
export function scrubNames(line: string): string {
  // a path runs to a space, comma, semicolon or ")", or to a ":" that ends it ("…/x: denied")
  const rest = String.raw`(?:[^\s,;):]|:(?!\s|$))*`;
  return line
    .replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '"…"')
    .replace(new RegExp(String.raw`((?:[A-Za-z0-9_.-]+@)?[A-Za-z0-9_.-]+):(?:\/|~)${rest}`, 'g'), '$1:…')
    .replace(new RegExp(String.raw`(^|[\s(=])(?:~|\.{1,2})?\/${rest}`, 'g'), '$1…')
    .replace(new RegExp(String.raw`\b[A-Za-z]:\\${rest}`, 'g'), '…')
    // what is left of a path with spaces in it ("/a/My Documents/x" leaves "Documents/x")
    .replace(/[^\s"…,;()]*\/[^\s"…,;()]*/g, '…');
}

/** The JSON body of a webhook, and the source of every other message. */
export function noticePayload(n: Notice, names: boolean): Record<string, unknown> {
  const p: Record<string, unknown> = { source: 'cryptsync', event: n.event, task: n.task, host: n.host };
  if (n.runId !== undefined) p.runId = n.runId;
  if (n.status !== undefined) p.status = n.status;
  if (n.startedBy !== undefined) p.startedBy = n.startedBy;
  if (n.startedAt !== undefined) p.startedAt = n.startedAt;
  if (n.durationMs !== undefined) p.durationMs = n.durationMs;
  if (n.counts !== undefined) p.counts = { ...n.counts };
  if (n.failedStep !== undefined) p.failedStep = n.failedStep;
  if (n.firstError !== undefined) p.firstError = names ? n.firstError : scrubNames(n.firstError);
  if (n.lastGoodAt !== undefined) p.lastGoodAt = n.lastGoodAt;
  if (n.thresholdDays !== undefined) p.thresholdDays = n.thresholdDays;
  if (names) {
    if (n.source !== undefined) p.sourcePath = n.source;
    if (n.destination !== undefined) p.destination = n.destination;
  }
  return p;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function noticeTitle(n: Notice): string {
  switch (n.event) {
    case 'success':
      return `cryptsync: ${n.task} ok`;
    case 'failure':
      return `cryptsync: ${n.task} ${n.status ?? 'failed'}`;
    case 'overdue':
      return `cryptsync: ${n.task} overdue`;
    case 'test':
      return `cryptsync: test message for ${n.task}`;
    case 'start':
      return `cryptsync: ${n.task} started`;
  }
}

export function noticeText(n: Notice, names: boolean): string {
  const p = noticePayload(n, names);
  const lines: string[] = [];
  if (n.event === 'test') lines.push(`A test message from cryptsync on ${n.host}: notifications of task ${n.task} reach you.`);
  if (n.runId !== undefined) {
    const by = n.startedBy && n.startedBy !== 'manual' ? ` (started by the ${n.startedBy === 'schedule' ? 'schedule' : `scheduler: ${n.startedBy}`})` : '';
    lines.push(`Run #${n.runId} of ${n.task} on ${n.host}: ${n.status ?? n.event}${n.durationMs !== undefined ? ` after ${seconds(n.durationMs)}` : ''}${by}.`);
  }
  if (n.counts) lines.push(`new ${n.counts.newFiles}, changed ${n.counts.changedFiles}, deleted ${n.counts.deletedFiles}`);
  if (n.failedStep) lines.push(`${n.failedStep} step: ${String(p.firstError ?? 'failed')}`);
  if (n.event === 'overdue') {
    lines.push(`${n.task} on ${n.host} has no good backup ${n.lastGoodAt ? `since ${n.lastGoodAt}` : 'yet'} (threshold ${n.thresholdDays ?? '?'} days).`);
  }
  if (names && p.sourcePath) lines.push(`${String(p.sourcePath)} -> ${String(p.destination ?? '')}`);
  return lines.join('\n');
}
