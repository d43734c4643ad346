// /api/tasks...: list, add, edit, remove, connect, disconnect, show the command, start a run,
// and the estimate-all / run-all-with-changes batches. Thin calls into the engine; fields that
// run programs pass the command guard first (unless serve was started with --allow-commands).
import type { Hono } from 'hono';
import { z } from 'zod';
import { RequestError } from './http-errors.js';
import type { EnginePort } from './engine-port.js';
import type { BatchRunner } from './batch.js';
import { readBody, readJson, withoutSecrets } from './request-input.js';
import { checkNewTask, checkTaskEdit } from './command-guard.js';

const ConnectBody = z.object({ encrypt: z.string().min(1) });
/** `force` lifts the overridable guards (FORCIBLE_GUARDS) for one run; the task name repeated confirms it */
const RunBody = z.object({ dryRun: z.boolean().optional(), force: z.boolean().optional(), confirmTask: z.string().optional() });
const BatchBody = z.object({ mode: z.enum(['estimate', 'run-changed']) });

export function registerTaskRoutes(app: Hono, engine: EnginePort, batch: BatchRunner, o: { allowCommands: boolean }): void {
  app.get('/api/tasks', (c) => c.json(withoutSecrets(engine.listTasks())));
  app.get('/api/tasks/:name', (c) => c.json(withoutSecrets(engine.getTask(c.req.param('name')))));
  app.post('/api/tasks', async (c) => {
    const input = await readJson(c);
    if (!o.allowCommands) checkNewTask(input);
    return c.json(withoutSecrets(await engine.addTask(input)), 201);
  });
  app.patch('/api/tasks/:name', async (c) => {
    const name = c.req.param('name');
    const patch = await readJson(c);
    if (!o.allowCommands) checkTaskEdit(engine.getTask(name).task, patch);
    return c.json(withoutSecrets(await engine.editTask(name, patch)));
  });
  app.delete('/api/tasks/:name', async (c) => {
    await engine.removeTask(c.req.param('name'));
    return c.body(null, 204);
  });
  app.post('/api/tasks/:name/connect', async (c) => {
    const { encrypt } = await readBody(c, ConnectBody);
    await engine.connect(c.req.param('name'), encrypt);
    return c.json(withoutSecrets(engine.getTask(c.req.param('name'))));
  });
  app.post('/api/tasks/:name/disconnect', async (c) => {
    await engine.disconnect(c.req.param('name'));
    return c.json(withoutSecrets(engine.getTask(c.req.param('name'))));
  });
  app.get('/api/tasks/:name/command', (c) => c.json(engine.taskCommand(c.req.param('name'))));
  app.post('/api/tasks/:name/runs', async (c) => {
    const { dryRun, force, confirmTask } = await readBody(c, RunBody);
    const name = c.req.param('name');
    if (force === true && confirmTask !== name) {
      throw new RequestError('CONFIRM_REQUIRED', 'confirmTask: a forced run needs the task name repeated in confirmTask', { field: 'confirmTask' });
    }
    return c.json(engine.startRun(name, { dryRun: dryRun ?? false, force: force === true }), 202);
  });

  app.get('/api/batch', (c) => c.json({ state: batch.current }));
  app.post('/api/batch', async (c) => {
    const { mode } = await readBody(c, BatchBody);
    return c.json({ mode, tasks: batch.start(mode) }, 202);
  });
  app.post('/api/batch/abort', (c) => c.json({ aborted: batch.abort() }));
}
