// `cryptsync ssh setup [user@]HOST | --task NAME`: the ssh set-up done for the user (run/ssh-setup.ts):
// show the server's host key fingerprint and trust it once confirmed (at the prompt, or with
// --trust FINGERPRINT for scripts), make a key when there is none, install it with the account's
// password (asked once, or --password-env VAR), prove a batch-mode login, and with --task write
// key, port and known_hosts into that task.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine, readSecretLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { setUpSsh, taskPatchFor, type HostKey } from '../../run/ssh-setup.js';
import { sshTargetOfTask } from '../../run/ssh-for-task.js';
import { UsageError, CryptsyncError } from '../../util/errors.js';
import { wholeNumber } from '../render/sync-cli.js';

interface SshOpts {
  port?: string;
  key?: string;
  trust?: string;
  passwordEnv?: string;
  task?: string;
  profile?: string;
  json?: boolean;
}

function splitLogin(spec: string): { host: string; user?: string } {
  const at = spec.lastIndexOf('@');
  return at < 0 ? { host: spec } : { host: spec.slice(at + 1), user: spec.slice(0, at) };
}

async function confirmer(io: CliIo, o: SshOpts, keys: HostKey[]): Promise<boolean> {
  if (o.trust !== undefined) {
    if (keys.some((k) => k.fingerprint === o.trust)) return true;
    throw new CryptsyncError('guard', 'SSH_FINGERPRINT_MISMATCH', `--trust ${o.trust} does not match the server, which offers: ${keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}`, { subject: 'trust' });
  }
  if (io.stdin.isTTY !== true) {
    throw new UsageError(`the server's host key is not trusted yet: check its fingerprint (${keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}) with the server's admin, then run again with --trust FINGERPRINT`, 'trust');
  }
  err(io, 'The server offers these host keys:');
  for (const k of keys) err(io, `  ${k.type.padEnd(20)} ${k.fingerprint}`);
  err(io, 'Compare one of them with the server (on it: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub).');
  const answer = await readSecretLine(io, 'Trust this server? Type "yes": ');
  return answer.trim().toLowerCase() === 'yes';
}

export function registerSsh(program: Command, io: CliIo): void {
  const ssh = program.command('ssh').description('set up ssh to a server: host key, key, login');
  ssh
    .command('setup')
    .argument('[login]', '[user@]host of the server (default: the --task destination)')
    .option('--port <n>', 'ssh port (default 22, or the task\'s)')
    .option('--key <file>', 'private key to use (default: a key of cryptsync\'s own, made when missing)')
    .option('--trust <fingerprint>', 'trust the host key with this SHA256:… fingerprint without asking')
    .option('--password-env <var>', 'take the account\'s password (to install the key) from this environment variable')
    .option('--task <name>', 'set up the server of this rsync task and save key, port and known_hosts into it')
    .option('--profile <name>', 'profile of --task (default: "default")')
    .option('--json', 'one JSON object per step, then the result')
    .description('trust the server\'s host key (after you confirm its fingerprint), make and install a key, test a batch-mode login')
    .action(async (login: string | undefined, o: SshOpts) => {
      await withEngine(io, o, async (engine) => {
        let spec = login;
        let port = wholeNumber(o.port, '--port', 1, 65535);
        const task = o.task !== undefined ? engine.getTask(o.task).task : undefined;
        if (task) {
          const side = sshTargetOfTask(task, '--task');
          const fromTask = side.user ? `${side.user}@${side.host}` : side.host;
          if (spec !== undefined && spec !== fromTask) throw new UsageError(`${spec} is not the server of task "${task.name}" (${fromTask})`, '<login>');
          spec = fromTask;
          port ??= side.port;
        }
        if (spec === undefined) throw new UsageError('name the server ([user@]host) or --task NAME', '<login>');
        const { host, user } = splitLogin(spec);
        const password = o.passwordEnv !== undefined ? io.env[o.passwordEnv] : undefined;
        if (o.passwordEnv !== undefined && !password) throw new UsageError(`environment variable ${o.passwordEnv} is empty or not set`, '--password-env');
        const r = await setUpSsh(engine.home, {
          host,
          ...(user !== undefined ? { user } : {}),
          ...(port !== undefined ? { port } : {}),
          ...(o.key !== undefined ? { keyPath: o.key } : {}),
          env: io.env,
          confirmHostKey: (keys) => confirmer(io, o, keys),
          askPassword: async () => password ?? (io.stdin.isTTY === true ? readSecretLine(io, `Password of ${spec} (used once to install the key, never stored): `) : undefined),
          onStep: (s) => (o.json ? jsonLine(io, { type: 'ssh-step', ...s }) : out(io, `${s.status === 'failed' ? 'FAIL' : s.status === 'done' ? 'done' : 'ok  '}  ${s.step}: ${s.detail}`)),
        });
        if (task) {
          await engine.editTask(task.name, taskPatchFor(task.type === 'encrypt' || task.type === 'cloud' ? {} : task, r));
          if (!o.json) out(io, `task ${task.name}: now uses ${r.keyPath}, port ${r.port} and ${r.knownHostsPath}`);
        }
        const { steps: _steps, ...result } = r;
        if (o.json) jsonLine(io, { type: 'ssh-setup', ...result, ...(task ? { task: task.name } : {}) });
        else if (!task) out(io, `ssh options for a task: ${r.sshOptions.map((x) => `--ssh-option ${x}`).join(' ')} --ssh-key ${r.keyPath} --ssh-port ${r.port}`);
      });
    });
}
