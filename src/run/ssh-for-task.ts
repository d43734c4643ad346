// ssh set-up for the server of a saved rsync task, as the web UI asks for it: the server is the
// task's own (never a host the caller names: the API must not become a way to probe or run
// things), the host key is trusted only when the caller repeats the fingerprint it was shown,
// and the password (if any) goes to ssh-copy-id through ssh-setup.ts's askpass helper only.
import { parseRemoteSide, type Task } from '../tasks/index.js';
import { CryptsyncError, UsageError } from '../util/errors.js';
import { scanHostKeys, setUpSsh, type HostKey, type SshSetupResult, type SshSetupStep } from './ssh-setup.js';

const SSH_PORT = 22;

export interface SshTarget {
  host: string;
  user?: string;
  port: number;
}

/** the ssh server an rsync task reaches; a usage error for any other task */
export function sshTargetOfTask(task: Task, field = 'task'): SshTarget {
  if (task.type === 'encrypt' || task.type === 'cloud') throw new UsageError(`task "${task.name}" is a ${task.type} task: ssh set-up is for rsync tasks`, field);
  const side = parseRemoteSide(task.type === 'syncremote' ? task.source : task.dest);
  if (!side || side.daemon) throw new UsageError(`task "${task.name}" does not reach a server over ssh`, field);
  return { host: side.host, ...(side.user ? { user: side.user } : {}), port: task.sshPort ?? SSH_PORT };
}

export async function scanTaskServer(task: Task, env?: NodeJS.ProcessEnv): Promise<SshTarget & { keys: HostKey[] }> {
  const t = sshTargetOfTask(task);
  return { ...t, keys: await scanHostKeys(t.host, t.port, env) };
}

export interface TaskSshInput {
  /** the SHA256:… fingerprint the user saw and confirmed */
  trust: string;
  /** the account's password, used once to install the key; never stored */
  password?: string | undefined;
  env?: NodeJS.ProcessEnv;
  onStep?: (s: SshSetupStep) => void;
}

export function setUpTaskSsh(home: string, task: Task, i: TaskSshInput): Promise<SshSetupResult> {
  const t = sshTargetOfTask(task);
  return setUpSsh(home, {
    host: t.host,
    port: t.port,
    ...(t.user !== undefined ? { user: t.user } : {}),
    ...(i.env ? { env: i.env } : {}),
    ...(i.onStep ? { onStep: i.onStep } : {}),
    confirmHostKey: async (keys) => {
      if (keys.some((k) => k.fingerprint === i.trust)) return true;
      throw new CryptsyncError('guard', 'SSH_FINGERPRINT_MISMATCH', `trust: ${i.trust} does not match the server, which offers: ${keys.map((k) => `${k.type} ${k.fingerprint}`).join(', ')}`, { subject: 'trust' });
    },
    askPassword: async () => i.password || undefined,
  });
}
