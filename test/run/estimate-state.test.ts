// When an estimate still holds (estimate-state.ts), on tables of run records: a failed estimate
// keeps its first error line and never claims "no changes"; a real run of a task that writes the
// catalog, or an edit, makes it stale; counts stay per step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogWritersFor, estimateFromRun, mayHaveChanges, staleReason } from '../../src/run/estimate-state.js';
import type { RunRecord, StepRecord } from '../../src/store/index.js';
import type { Task } from '../../src/tasks/index.js';

const AT = '2026-12-01T10:00:00.000Z';
const LATER = '2026-12-01T11:00:00.000Z';
const EARLIER = '2026-12-01T09:00:00.000Z';

function step(kind: string, o: Partial<StepRecord> = {}): StepRecord {
  return { id: 1, runId: 1, seq: 0, kind: kind as StepRecord['kind'], status: 'ok', startedAt: AT, endedAt: AT, exitCode: 0, files: 8, filesNew: 8, filesChanged: 0, filesDeleted: 0, bytes: 100, durationMs: 5, message: null, errorCode: null, outputTail: '', command: null, ...o };
}
function run(steps: StepRecord[], status: RunRecord['status'] = 'ok'): RunRecord {
  return { id: 1, task: 'backup', profile: 'default', kind: 'task', startedBy: 'manual', dryRun: true, combined: true, status, startedAt: AT, endedAt: AT, exitCode: status === 'ok' ? 0 : 1, durationMs: 5, pid: 1, steps };
}

const tasks = [
  { name: 'enc', type: 'encrypt', source: '/plain', remote: 'secret:' },
  { name: 'backup', type: 'synchronize', source: '/cat', dest: 'me@nas:/b', connectedTo: 'enc' },
  { name: 'offsite', type: 'synchronize', source: '/cat', dest: 'me@far:/b', connectedTo: 'enc' },
  { name: 'photos', type: 'synchronize', source: '/photos', dest: 'me@nas:/p' },
] as unknown as Task[];
const byName = (n: string) => tasks.find((t) => t.name === n) as Task;

test('counts stay per step; a pre-command step is not one of them', () => {
  const e = estimateFromRun(run([step('pre'), step('encrypt'), step('rsync', { message: 'includes the files the encrypt step will write' })]));
  assert.deepEqual(e.steps.map((s) => [s.step, s.counts.newFiles, s.note ?? null]), [
    ['encrypt', 8, null],
    ['rsync', 8, 'includes the files the encrypt step will write'],
  ]);
  assert.equal(e.hasChanges, true);
  assert.equal(e.error, undefined);
});

test('a failed estimate carries its first error line and never says "no changes"', () => {
  const failed = run([step('encrypt'), step('rsync', { status: 'failed', filesNew: 0, files: 0, message: 'ssh: connect to host 127.0.0.1 port 1: Connection refused\nrsync: connection unexpectedly closed' })], 'failed');
  const e = estimateFromRun(failed);
  assert.equal(e.error, 'ssh: connect to host 127.0.0.1 port 1: Connection refused');
  assert.equal(e.hasChanges, false);
  assert.equal(mayHaveChanges(e), false, 'a failed estimate is not run by "Run all with changes"');
  const fromTail = estimateFromRun(run([step('rsync', { status: 'failed', message: null, outputTail: 'opening connection\nrsync error: some files could not be transferred (code 23)\n' })], 'failed'));
  assert.equal(fromTail.error, 'rsync error: some files could not be transferred (code 23)');
});

test('who writes the catalog a task depends on', () => {
  assert.deepEqual(catalogWritersFor(byName('backup'), tasks), ['enc', 'offsite']);
  assert.deepEqual(catalogWritersFor(byName('enc'), tasks), ['backup', 'offsite']);
  assert.deepEqual(catalogWritersFor(byName('photos'), tasks), []);
});

test('stale when a catalog writer ran after the estimate or the task was edited; fresh otherwise', () => {
  const e = estimateFromRun(run([step('encrypt'), step('rsync')]));
  const ran = (m: Record<string, string>) => (n: string) => m[n];
  assert.equal(staleReason(e, byName('backup'), tasks, { lastRealRunAt: ran({ enc: EARLIER, offsite: EARLIER }) }), undefined);
  assert.match(staleReason(e, byName('backup'), tasks, { lastRealRunAt: ran({ enc: LATER }) }) ?? '', /enc ran after this estimate/);
  assert.match(staleReason(e, byName('backup'), tasks, { lastRealRunAt: ran({ offsite: LATER }) }) ?? '', /offsite ran/);
  assert.match(staleReason(e, byName('backup'), tasks, { lastRealRunAt: ran({}), editedAt: LATER }) ?? '', /settings changed/);
  assert.equal(staleReason(e, byName('backup'), tasks, { lastRealRunAt: ran({}), editedAt: EARLIER }), undefined);
  assert.equal(staleReason(e, byName('photos'), tasks, { lastRealRunAt: ran({ enc: LATER, backup: LATER }) }), undefined, 'a plain push depends on no catalog');
  const noChanges = { ...e, hasChanges: false };
  assert.equal(mayHaveChanges(noChanges), false);
  assert.equal(mayHaveChanges({ ...noChanges, stale: 'enc ran after this estimate' }), true);
});
