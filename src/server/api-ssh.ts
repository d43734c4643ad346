// ssh set-up of a saved rsync task's server, for the task form: read the host keys (the page shows
// their fingerprints), then, once the user confirmed one, set up with that fingerprint and an
// optional password. The server is always the task's own and the programs are ssh-setup.ts's
// fixed ones: this is no command runner. The password travels only in this POST body; it is
// never logged, never echoed, and not kept after the call.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { EnginePort } from './engine-port.js';
import { readBody, withoutSecrets } from './request-input.js';

const SetupBody = z.object({
  trust: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256:… fingerprint as shown by the scan'),
  password: z.string().max(1024).optional(),
});

export function registerSshRoutes(app: Hono, engine: EnginePort): void {
  app.post('/api/tasks/:name/ssh/scan', async (c) => c.json(withoutSecrets(await engine.sshScan(c.req.param('name')))));
  app.post('/api/tasks/:name/ssh/setup', async (c) => {
    const b = await readBody(c, SetupBody);
    const r = await engine.sshSetup(c.req.param('name'), { trust: b.trust, ...(b.password ? { password: b.password } : {}) });
    return c.json(withoutSecrets({ host: r.host, port: r.port, user: r.user ?? null, keyPath: r.keyPath, knownHostsPath: r.knownHostsPath, steps: r.steps }));
  });
}
