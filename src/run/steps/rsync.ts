// The rsync step: synchronize (push), snapshot (push into numbered folders with --link-dest)
// and syncremote (pull) tasks; see rsync-step.ts for the run itself.
import { rsyncVersion } from '../../rsync/index.js';
import { isRsyncTask, parseRemoteSide, type RsyncTask, type Task } from '../../tasks/index.js';
import { runRsyncStep, estimateCombinedRsyncStep, rsyncArgsFor } from '../rsync-step.js';
import { folderCheck, freeSpace, humanBytes, runProgram, sshArgs, tcpReachable } from '../doctor-checks.js';
import { taskOfType, type DoctorCheck, type DriverEnv, type StepDriver } from './driver.js';

const rsyncTask = (t: Task): RsyncTask => taskOfType(t, 'rsync', isRsyncTask);

async function doctorRsync(task: RsyncTask, d: DriverEnv): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const n = task.name;
  const remoteSpec = task.type === 'syncremote' ? task.source : task.dest;
  const localSpec = task.type === 'syncremote' ? task.dest : task.source;
  if (task.type !== 'syncremote') out.push(await folderCheck(n, 'source folder', localSpec));
  const side = parseRemoteSide(remoteSpec);
  if (!side) {
    out.push(await freeSpace(n, task.type === 'syncremote' ? localSpec : remoteSpec));
    return out;
  }
  const port = task.sshPort ?? (side.daemon ? 873 : 22);
  const tcp = await tcpReachable(side.host, port);
  if (tcp) {
    out.push({ task: n, check: 'server reachable', status: 'error', detail: `${side.host} port ${port}: ${tcp}` });
    return out;
  }
  out.push({ task: n, check: 'server reachable', status: 'ok', detail: `${side.host} port ${port} answers` });
  if (side.daemon) return out;
  const userHost = side.user ? `${side.user}@${side.host}` : side.host;
  const login = await runProgram('ssh', sshArgs(task, userHost, ['df', '-Pk', side.path || '.']), d.env);
  if (login.code === 0) {
    out.push({ task: n, check: 'ssh login', status: 'ok', detail: `batch-mode login to ${userHost} works` });
    const line = login.out.trim().split('\n').pop() ?? '';
    const avail = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(avail)) out.push({ task: n, check: 'free space', status: 'ok', detail: `${humanBytes(avail * 1024)} free at ${userHost}:${side.path}` });
  } else if (login.code === 255) {
    out.push({ task: n, check: 'ssh login', status: 'error', detail: `ssh to ${userHost} port ${port} failed: ${login.out.trim().split('\n').pop()}` });
  } else {
    out.push({ task: n, check: 'ssh login', status: 'ok', detail: `batch-mode login to ${userHost} works` });
    out.push({ task: n, check: 'free space', status: 'warning', detail: `cannot tell for ${side.path}: ${login.out.trim().split('\n').pop()}` });
  }
  return out;
}

export const rsyncDriver: StepDriver = {
  kind: 'rsync',
  logsCommand: true,
  run: (task, ctx) => runRsyncStep(rsyncTask(task), ctx),
  estimateAfter: (task, ctx, before) => estimateCombinedRsyncStep(rsyncTask(task), ctx, before),
  command: (task, o) => ({ program: 'rsync', args: rsyncArgsFor(rsyncTask(task), o.dryRun) }),
  async tool() {
    const v = await rsyncVersion();
    return v
      ? { check: 'rsync', status: 'ok', detail: `rsync ${v.version} (protocol ${v.protocol})` }
      : { check: 'rsync', status: 'error', detail: 'rsync is not installed or not on PATH (apt-get install rsync)' };
  },
  doctor: (task, d) => doctorRsync(rsyncTask(task), d),
};
