// `cryptsync serve`: the local web UI over the same Engine the CLI uses. Prints the start-up URL
// (with the access token in its fragment) as `cryptsync web UI: <url>`, records it in the 0600
// web-ui.json of the home, and runs until SIGINT/SIGTERM, then closes the server and the engine
// and removes the record. `cryptsync serve --url` prints the running server's URL again from
// that record. It must never print the token anywhere else.
import { isProcessAlive } from '../../run/lock.js';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../run/engine.js';
import { startWebServer, DEFAULT_HOST, DEFAULT_PORT, isLoopback } from '../../server/web-server.js';
import { readUrlFile, removeUrlFile, writeUrlFile } from '../../server/url-file.js';
import { CryptsyncError, UsageError, describeError } from '../../util/errors.js';
import { cryptsyncHome } from '../../util/home.js';
import { type CliIo, out, err, jsonLine } from '../io.js';
import { PROFILE_HELP } from '../option-help.js';
import { abortActiveRuns, startScheduling, untilStopped, type RunningScheduler } from '../scheduling.js';

/** web/dist, from dist/src/cli/commands/serve.js */
const WEB_ROOT = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

interface ServeOptions {
  port?: string;
  host: string;
  allowRemote?: boolean;
  allowCommands?: boolean;
  profile?: string;
  config?: string;
  json?: boolean;
  url?: boolean;
}

/** How long `serve --url` waits for the recorded server to answer. */
const PROBE_MS = 3000;


/** The recorded server's URL, if that server is still running and accepts the token in it. */
async function runningServerUrl(home: string): Promise<string | null> {
  const rec = readUrlFile(home);
  if (!rec || !isProcessAlive(rec.pid)) return null;
  const token = new URL(rec.urlWithToken).hash.replace(/^#token=/, '');
  try {
    const res = await fetch(new URL('/api/info', rec.url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(PROBE_MS) });
    await res.body?.cancel();
    return res.ok ? rec.urlWithToken : null;
  } catch {
    return null;
  }
}

async function printUrl(io: CliIo, json: boolean): Promise<void> {
  const home = cryptsyncHome(io.env);
  const url = await runningServerUrl(home);
  if (!url) {
    throw new CryptsyncError('not-found', 'SERVE_NOT_RUNNING', `no cryptsync web UI is running for the home ${home}; start one with \`cryptsync serve\``);
  }
  if (json) jsonLine(io, { type: 'serve-url', url });
  else out(io, `cryptsync web UI: ${url}`);
}

/** A token given by the environment (so a restarted server keeps working for open pages). */
const TOKEN_ENV = 'CRYPTSYNC_WEB_TOKEN';
const MIN_TOKEN_CHARS = 32;

function tokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const t = env[TOKEN_ENV];
  if (t === undefined || t === '') return undefined;
  if (t.length < MIN_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(t)) {
    throw new UsageError(`${TOKEN_ENV}: must be at least ${MIN_TOKEN_CHARS} characters of A-Z a-z 0-9 _ - (or unset, for a random token)`, TOKEN_ENV);
  }
  return t;
}

function parsePort(raw: string | undefined, env: NodeJS.ProcessEnv): number {
  const s = raw ?? env.PORT;
  if (s === undefined || s === '') return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new UsageError(`--port: not a port number: ${s}`, 'port');
  return Number(s);
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the local web UI (http://127.0.0.1:8787 by default; PORT env honoured)')
    .option('--port <N>', 'TCP port; 0 picks a free one (default: $PORT or 8787)')
    .option('--host <HOST>', 'address to bind', DEFAULT_HOST)
    .option('--allow-remote', 'allow binding a non-loopback address (exposes the UI on the network)')
    .option('--allow-commands', 'let the web UI set pre/post commands and ssh/rsync options that run programs (anyone with the token can then run any program as you)')
    .option('--profile <name>', PROFILE_HELP)
    .option('--config <FILE>', 'rclone config file with the crypt remotes (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--json', 'print the start-up line as JSON')
    .option('--url', 'print the URL (with its access token) of the web UI already running for this home, then exit')
    .action(async (o: ServeOptions) => {
      if (o.url) return printUrl(io, o.json === true);
      const port = parsePort(o.port, io.env);
      const token = tokenFromEnv(io.env);
      const env = o.config ? { ...io.env, RCLONE_CONFIG: resolve(o.config) } : io.env;
      const engine = Engine.open({ env, ...(o.profile ? { profile: o.profile } : {}) });
      let server;
      try {
        server = await startWebServer({
          engine,
          host: o.host,
          port,
          allowRemote: o.allowRemote === true,
          allowCommands: o.allowCommands === true,
          ...(token ? { token } : {}),
          webRoot: io.env.CRYPTSYNC_WEB_ROOT || WEB_ROOT,
          report: (e) => err(io, `cryptsync serve: internal error: ${describeError(e)}`),
        });
      } catch (e) {
        engine.close();
        throw e;
      }
      if (!isLoopback(server.host)) {
        err(io, `cryptsync: warning: the web UI listens on ${server.host}, reachable from the network; anyone with the token can run your tasks`);
      }
      const home = engine.home;
      try {
        writeUrlFile(home, { pid: process.pid, urlWithToken: server.urlWithToken, url: server.url, port: server.port, host: server.host, startedAt: new Date().toISOString() });
      } catch (e) {
        await server.close();
        engine.close();
        throw e;
      }
      if (o.json) jsonLine(io, { type: 'serve', url: server.urlWithToken, port: server.port, host: server.host });
      else out(io, `cryptsync web UI: ${server.urlWithToken}`);
      // the web UI schedules too, unless a daemon (or another web UI) of this home already does
      let scheduling: RunningScheduler | undefined;
      try {
        scheduling = startScheduling(engine, io, { command: 'serve', json: o.json === true });
      } catch (e) {
        err(io, `cryptsync serve: not scheduling: ${describeError(e)}`);
      }
      await untilStopped();
      removeUrlFile(home, process.pid);
      await scheduling?.stop();
      await server.close();
      await abortActiveRuns(engine);
      engine.close();
      if (!o.json) out(io, 'cryptsync web UI stopped');
    });
}
