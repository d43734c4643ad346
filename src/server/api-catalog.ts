// Restore, browse, mapping and verify over an encrypted catalog (an encrypt task's name or a
// crypt remote written `REMOTE:`), plus crypt remotes and the demo profile. A restore with
// overwrite needs the target repeated in confirmTarget; where a restore may write at all is the
// engine's restore guard's decision (absolute, outside every catalog and sync source). Restore and
// verify answers carry `text`: the same summary lines the CLI prints for them.
import type { Hono } from 'hono';
import { z } from 'zod';
import { verifySummaryText } from '../run/index.js';
import type { EnginePort } from './engine-port.js';
import type { EventHub } from './event-hub.js';
import { readBody, requiredQuery, withoutSecrets } from './request-input.js';
import { RequestError } from './http-errors.js';
import { CryptsyncError } from '../util/errors.js';

/** Least time between two restore progress messages sent to the pages. */
export const RESTORE_PROGRESS_MS = 150;

const RestoreBody = z.object({
  source: z.string().min(1),
  paths: z.array(z.string()).optional(),
  target: z.string().optional(),
  dryRun: z.boolean().optional(),
  overwrite: z.boolean().optional(),
  /** with overwrite: the target typed a second time, so a stray request cannot fill a folder */
  confirmTarget: z.string().optional(),
  /** the page's own id for this restore, echoed in the progress events so it knows its own */
  ref: z.string().max(64).optional(),
});
const VerifyBody = z.object({ task: z.string().min(1) });
const RemoteBody = z.object({
  name: z.string(),
  path: z.string(),
  filenameEncryption: z.string().optional(),
  filenameEncoding: z.string().optional(),
  directoryNameEncryption: z.boolean().optional(),
  password: z.string().optional(),
  password2: z.string().optional(),
  allowWeakPassword: z.boolean().optional(),
});

export function registerCatalogRoutes(app: Hono, engine: EnginePort, hub: EventHub): void {
  app.get('/api/browse', async (c) => {
    const source = requiredQuery(c, 'source');
    const path = c.req.query('path') ?? '';
    return c.json(withoutSecrets(await engine.browse(source, path)));
  });

  let restoreSeq = 0;
  /** restores in progress, by id: Abort reaches them here */
  const restoring = new Map<number, AbortController>();
  app.post('/api/restore/:id/abort', (c) => {
    const id = Number(c.req.param('id'));
    const ctl = restoring.get(id);
    if (!ctl) throw new CryptsyncError('not-found', 'RESTORE_NOT_FOUND', `no restore ${c.req.param('id')} is running`);
    ctl.abort();
    return c.json({ aborted: true });
  });
  app.post('/api/restore', async (c) => {
    const b = await readBody(c, RestoreBody);
    const target = b.target?.trim() ? b.target.trim() : undefined;
    if (b.overwrite && target !== undefined && b.confirmTarget?.trim() !== target) {
      throw new RequestError('CONFIRM_TARGET', 'confirmTarget: restoring with overwrite needs the target path repeated exactly in confirmTarget', { field: 'confirmTarget' });
    }
    const restoreId = ++restoreSeq;
    const ref = b.ref ?? '';
    let last = 0;
    const forward = (e: unknown) => {
      const type = (e as { type?: unknown })?.type;
      const now = Date.now();
      if (type === 'progress' && now - last < RESTORE_PROGRESS_MS) return;
      last = now;
      hub.publish({ type: 'restore-event', restoreId, ref, event: e });
    };
    const ctl = new AbortController();
    restoring.set(restoreId, ctl);
    hub.publish({ type: 'restore-start', restoreId, ref, source: b.source, dryRun: b.dryRun ?? false });
    try {
      const result = await engine.restore(
        b.source,
        {
          ...(b.paths && b.paths.length > 0 ? { paths: b.paths } : {}),
          ...(target ? { target } : {}),
          dryRun: b.dryRun ?? false,
          overwrite: b.overwrite ?? false,
          signal: ctl.signal,
        },
        forward,
      );
      hub.publish({ type: 'restore-end', restoreId, ref, ok: true });
      return c.json(withoutSecrets({ restoreId, ...result }));
    } catch (e) {
      hub.publish({ type: 'restore-end', restoreId, ref, ok: false });
      throw e;
    } finally {
      restoring.delete(restoreId);
    }
  });

  app.get('/api/mapping', async (c) => c.json(withoutSecrets(await engine.mapping(requiredQuery(c, 'source')))));
  app.post('/api/verify', async (c) => {
    const { task } = await readBody(c, VerifyBody);
    const result = await engine.verify(task);
    return c.json(withoutSecrets({ ...result, text: verifySummaryText(result) }));
  });

  app.get('/api/remotes', async (c) => c.json(withoutSecrets(await engine.listRemotes())));
  app.post('/api/remotes', async (c) => {
    // passwords only travel browser -> server: "generate a strong password" runs in the
    // browser (Web Crypto), so the server never has a secret to send back
    const body = await readBody(c, RemoteBody.strict());
    const { remote } = await engine.addRemote(body);
    return c.json({ remote: withoutSecrets(remote) }, 201);
  });

  app.delete('/api/remotes/:name', async (c) => {
    await engine.removeRemote(c.req.param('name'));
    return c.body(null, 204);
  });

  app.post('/api/demo', async (c) => c.json(await engine.loadDemo(), 201));
}
