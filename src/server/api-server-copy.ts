// Browse and restore straight from a push task's server copy (a synchronize task's mirror or a
// snapshot task's dated snapshots). Only task names, snapshot names, picked paths and a target
// come in; the engine resolves everything else from the task (hosts, keys, ssh settings), so this
// is no command runner. Progress goes over the event hub like a catalog restore, tagged with the
// page's ref; a running restore is aborted by its restoreId.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { EnginePort } from './engine-port.js';
import type { EventHub } from './event-hub.js';
import type { ServerCopyTask, ServerSnapshotView, ServerDryRunFile } from './api-types.js';
import { intParam, readBody, requiredQuery, withoutSecrets } from './request-input.js';
import { RESTORE_PROGRESS_MS } from './api-catalog.js';

const NAME = z.string().min(1).max(200);
const ServerRestoreBody = z
  .object({
    task: NAME,
    snapshot: NAME.optional(),
    paths: z.array(z.string().max(4096)).max(10000).optional(),
    target: z.string().max(4096).optional(),
    dryRun: z.boolean().optional(),
    ref: z.string().max(64).optional(),
  })
  .strict();

function sourceOf(task: string, snapshot: string | undefined): { fromTask: string; snapshot?: string } {
  return { fromTask: task, ...(snapshot !== undefined && snapshot !== '' ? { snapshot } : {}) };
}

export function registerServerCopyRoutes(app: Hono, engine: EnginePort, hub: EventHub): void {
  app.get('/api/server-copies', (c) => {
    const tasks: ServerCopyTask[] = engine
      .listTasks()
      .filter((t) => t.type === 'synchronize' || t.type === 'snapshot')
      .map((t) => ({ name: t.name, type: t.type as ServerCopyTask['type'], ...(t.connectedTo !== undefined ? { connectedTo: t.connectedTo } : {}) }));
    return c.json(tasks);
  });

  app.get('/api/server-copies/snapshots', async (c) => {
    const list = await engine.serverSnapshots(requiredQuery(c, 'task'));
    const out: ServerSnapshotView[] = list.map((s) => ({ name: s.name, time: s.time ? s.time.toISOString() : null })).reverse();
    return c.json(out);
  });

  app.get('/api/server-copies/browse', async (c) => {
    const source = sourceOf(requiredQuery(c, 'task'), c.req.query('snapshot'));
    return c.json(withoutSecrets(await engine.serverBrowse(source, c.req.query('path') ?? '')));
  });

  const running = new Map<number, AbortController>();
  let seq = 0;
  app.post('/api/server-copies/restore', async (c) => {
    const b = await readBody(c, ServerRestoreBody);
    const target = b.target?.trim() ? b.target.trim() : undefined;
    const dryRun = b.dryRun ?? false;
    // ids far from the catalog restores' own sequence, so a page never mixes the two up
    const restoreId = 1_000_000 + ++seq;
    const ref = b.ref ?? '';
    const ac = new AbortController();
    running.set(restoreId, ac);
    const files: ServerDryRunFile[] = [];
    let last = 0;
    const forward = (e: unknown) => {
      const ev = e as { type?: unknown; action?: unknown; path?: unknown; bytes?: unknown };
      if (dryRun && ev.type === 'file' && ev.action === 'restore') files.push({ path: String(ev.path), size: Number(ev.bytes) });
      const now = Date.now();
      if (ev.type === 'progress' && now - last < RESTORE_PROGRESS_MS) return;
      last = now;
      hub.publish({ type: 'restore-event', restoreId, ref, event: e as Record<string, unknown> });
    };
    hub.publish({ type: 'restore-start', restoreId, ref, source: b.task, dryRun });
    try {
      const r = await engine.serverRestore(
        {
          ...sourceOf(b.task, b.snapshot),
          ...(b.paths && b.paths.length > 0 ? { paths: b.paths } : {}),
          ...(target !== undefined ? { target } : {}),
          targetField: 'target',
          dryRun,
          overwrite: false,
          signal: ac.signal,
        },
        forward,
      );
      hub.publish({ type: 'restore-end', restoreId, ref, ok: true });
      const { summary, text, picked, undecryptable, runId, source, snapshot } = r;
      return c.json(
        withoutSecrets({ restoreId, runId, target: r.target, source, ...(snapshot !== undefined ? { snapshot } : {}), summary, text, picked, undecryptable, ...(dryRun ? { files } : {}) }),
      );
    } catch (e) {
      hub.publish({ type: 'restore-end', restoreId, ref, ok: false });
      throw e;
    } finally {
      running.delete(restoreId);
    }
  });

  app.post('/api/server-copies/restore/:id/abort', (c) => {
    const ac = running.get(intParam(c, 'id'));
    ac?.abort();
    return c.json({ aborted: ac !== undefined });
  });
}
