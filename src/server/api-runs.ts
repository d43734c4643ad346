// /api/runs...: the run log (newest first, filtered by task and status), one run with its
// steps and output tails, and abort.
import type { Hono } from 'hono';
import type { EnginePort } from './engine-port.js';
import { RUN_STATUSES, type RunStatus } from '../store/index.js';
import { RequestError } from './http-errors.js';
import { intParam, withoutSecrets } from './request-input.js';
import { CryptsyncError } from '../util/errors.js';
import { isForcibleGuard } from '../run/index.js';
import type { RunRecord } from '../store/index.js';
import type { ApiRunRecord } from './api-types.js';

/** Marks the steps a forced run would get past (the page offers "run anyway" for those). */
function withForcible(r: RunRecord): ApiRunRecord {
  return { ...r, steps: r.steps.map((s) => ({ ...s, forcible: isForcibleGuard(s.errorCode) })) };
}

/** Runs listed when the page does not ask for a number. */
export const DEFAULT_RUN_LIMIT = 200;
const MAX_RUN_LIMIT = 5000;

export function registerRunRoutes(app: Hono, engine: EnginePort): void {
  app.get('/api/runs', (c) => {
    const task = c.req.query('task') || undefined;
    const statusText = c.req.query('status') || undefined;
    if (statusText !== undefined && !(RUN_STATUSES as readonly string[]).includes(statusText)) {
      throw new RequestError('BAD_PARAM', `status: must be one of ${RUN_STATUSES.join(', ')}`, { field: 'status' });
    }
    const status = statusText as RunStatus | undefined;
    const rawLimit = c.req.query('limit');
    let limit = DEFAULT_RUN_LIMIT;
    if (rawLimit !== undefined) {
      if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_RUN_LIMIT) {
        throw new RequestError('BAD_PARAM', `limit: must be a whole number from 1 to ${MAX_RUN_LIMIT}`, { field: 'limit' });
      }
      limit = Number(rawLimit);
    }
    return c.json(withoutSecrets(engine.listRuns({ ...(task ? { task } : {}), ...(status ? { status } : {}), limit }).map(withForcible)));
  });
  app.get('/api/runs/:id', (c) => {
    const id = intParam(c, 'id');
    const run = engine.getRun(id);
    if (!run) throw new CryptsyncError('not-found', 'RUN_NOT_FOUND', `run ${id} not found`, { subject: 'id' });
    return c.json(withoutSecrets(withForcible(run)));
  });
  app.post('/api/runs/:id/abort', (c) => c.json({ aborted: engine.abortRun(intParam(c, 'id')) }));
}
