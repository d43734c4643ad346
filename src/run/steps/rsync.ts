// The rsync step: synchronize (push), snapshot (push into numbered folders with --link-dest)
// and syncremote (pull) tasks; see rsync-step.ts for the run itself.
import { parseRsyncVersion, rsyncVersion, type RsyncVersion } from '../../rsync/index.js';
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
  if (task.type === 'snapshot') out.push(mkpathCheck(n, 'local rsync', await rsyncVersion()));
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
    if (task.type === 'snapshot') {
      const v = await runProgram('ssh', sshArgs(task, userHost, ['rsync', '--version']), d.env);
      out.push(mkpathCheck(n, `rsync on ${userHost}`, v.code === 0 ? parseRsyncVersion(v.out) : null));
    }
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

/** rsync whose first snapshot run can create the snapshot root: --mkpath came with 3.2.3 */
const MKPATH_SINCE = [3, 2, 3];

function mkpathCheck(task: string, which: string, v: RsyncVersion | null): DoctorCheck {
  const check = 'rsync for snapshots';
  if (!v) return { task, check, status: 'warning', detail: `${which}: version unknown (snapshot runs use --mkpath, rsync >= 3.2.3)` };
  const parts = v.version.split(/[^\d]+/).map(Number);
  const newer = MKPATH_SINCE.findIndex((x, i) => (parts[i] ?? 0) !== x);
  const ok = newer < 0 || (parts[newer] ?? 0) > MKPATH_SINCE[newer]!;
  return ok
    ? { task, check, status: 'ok', detail: `${which} ${v.version} has --mkpath` }
    : { task, check, status: 'error', detail: `${which} ${v.version} is older than 3.2.3: snapshot runs need --mkpath (upgrade rsync)` };
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
