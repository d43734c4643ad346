// GET /api/events: a hello first, then engine events of a run started over the API, and runs
// started by another process (another Engine on the same home, as the CLI would be).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/run/engine.js';
import { startHarness, settle, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

interface Msg {
  event: string;
  data: Record<string, unknown>;
}

/** Reads SSE messages from a response until `until` says stop (or the timeout). */
async function readEvents(res: Response, until: (m: Msg[]) => boolean, timeoutMs = 20_000): Promise<Msg[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  const msgs: Msg[] = [];
  let buf = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!until(msgs)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev && data) msgs.push({ event: ev, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  return msgs;
}

test('the stream starts with hello and carries a run from start to end, both steps', async () => {
  await h.json('POST', '/api/demo');
  const res = await h.req('GET', '/api/events');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reading = readEvents(res, (m) => m.some((x) => x.data.type === 'run-end'));
  await new Promise((r) => setTimeout(r, 50));
  const start = await h.json<{ runId: number }>('POST', '/api/tasks/demo-backup/runs', { dryRun: true });
  const msgs = await reading;
  assert.equal(msgs[0]?.event, 'hello');
  const types = msgs.filter((m) => m.event === 'engine' && m.data.runId === start.body.runId).map((m) => m.data.type);
  assert.equal(types[0], 'run-start');
  assert.equal(types.at(-1), 'run-end');
  const steps = msgs.filter((m) => m.data.type === 'step-end').map((m) => m.data.step);
  assert.deepEqual(steps, ['encrypt', 'rsync']);
  await settle(h.engine);
});

test('a run started by another process (the CLI) shows up on the stream', async () => {
  const res = await h.req('GET', '/api/events');
  const other = Engine.open({ home: h.home, env: { ...process.env, CRYPTSYNC_HOME: h.home } });
  try {
    const reading = readEvents(res, (m) => m.some((x) => x.data.type === 'run-end' && x.data.external === true));
    await new Promise((r) => setTimeout(r, 50));
    const { runId } = other.startRun('demo-encrypt', { dryRun: true });
    await other.waitRun(runId);
    const msgs = await reading;
    const mine = msgs.filter((m) => m.data.runId === runId).map((m) => m.data.type);
    assert.deepEqual([mine[0], mine.at(-1)], ['run-start', 'run-end']);
  } finally {
    other.close();
  }
});

test('closing the app ends open streams', async () => {
  const res = await h.req('GET', '/api/events');
  const reading = readEvents(res, () => false, 10_000);
  await new Promise((r) => setTimeout(r, 50));
  h.web.close();
  const started = Date.now();
  const msgs = await reading;
  assert.equal(msgs[0]?.event, 'hello');
  assert.ok(Date.now() - started < 5000, 'the stream ended when the app closed');
});
