// `cryptsync doctor`: checks that tasks can run before they run, through each step's driver: the
// programs the steps need (rsync, rclone), folders, the crypt remote and its password, the server
// or cloud remote answering, a batch-mode ssh login, free space.
import type { Task } from '../tasks/index.js';
import { driverOf, planSteps, STEP_DRIVERS, type DoctorCheck } from './steps/index.js';
import type { Engine } from './engine.js';

export type { DoctorCheck };

export async function runDoctor(engine: Engine, taskName?: string): Promise<DoctorCheck[]> {
  const d = { env: engine.env, rcloneConfig: engine.rcloneConfig };
  const tasks: Task[] = taskName ? [engine.tasks.get(taskName)] : engine.tasks.list();
  const own = tasks.map((t) => planSteps(t, engine.tasks).at(-1)!);
  // rsync is cryptsync's way to the server: always checked; other programs when a step needs them
  const kinds = new Set(['rsync', ...own.map((s) => s.kind)]);
  const checks: DoctorCheck[] = [];
  for (const driver of Object.values(STEP_DRIVERS)) {
    if (kinds.has(driver.kind) && driver.tool) checks.push(await driver.tool(d));
  }
  for (const s of own) checks.push(...(await driverOf(s.kind).doctor(s.task, d)));
  return checks;
}
