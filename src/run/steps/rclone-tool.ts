// `doctor`'s check that the rclone binary runs (the rclone encrypt engine and the cloud step need it).
import { runProgram } from '../doctor-checks.js';
import type { DoctorCheck, DriverEnv } from './driver.js';

export async function rcloneTool(d: DriverEnv): Promise<DoctorCheck> {
  const r = await runProgram('rclone', ['version'], d.env);
  const first = r.out.split('\n')[0]?.trim() ?? '';
  if (r.code === 0) return { check: 'rclone', status: 'ok', detail: first };
  return { check: 'rclone', status: 'error', detail: 'rclone is not installed or not on PATH (apt-get install rclone)' };
}
