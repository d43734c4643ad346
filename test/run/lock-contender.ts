// A child process for the lock race test: contends for one task lock on command. Reads lines on
// stdin: "try GOFILE SPIN" waits until GOFILE exists, spins SPIN microseconds more (the seeded
// jitter), calls acquireTaskLock and prints "won", "busy" or "error CODE"; "release" releases a
// held lock and prints "released". Started once per test and reused for every round.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { acquireTaskLock, type TaskLock } from '../../src/run/lock.js';
import { isCryptsyncError } from '../../src/util/errors.js';

const [home, profile, task] = process.argv.slice(2) as [string, string, string];
let held: TaskLock | undefined;

function spinMicros(us: number): void {
  const end = process.hrtime.bigint() + BigInt(us) * 1000n;
  while (process.hrtime.bigint() < end);
}

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  const [cmd, goFile, spin] = line.split(' ');
  if (cmd === 'try') {
    while (!existsSync(goFile as string));
    spinMicros(Number(spin));
    try {
      held = acquireTaskLock(home, profile, task);
      process.stdout.write('won\n');
    } catch (e) {
      process.stdout.write(isCryptsyncError(e) && e.code === 'TASK_RUNNING' ? 'busy\n' : `error ${isCryptsyncError(e) ? e.code : String(e)}\n`);
    }
  } else if (cmd === 'release') {
    held?.release();
    held = undefined;
    process.stdout.write('released\n');
  }
}
