// `cryptsync service`: the systemd user unit written into a temporary XDG config folder passes
// `systemd-analyze verify` (nothing is enabled on this machine: --no-enable), names this home and
// profile, and uninstall removes exactly it; a file install did not write is left alone; where
// systemd does not run, the cron line is printed instead of any file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines, BIN } from '../helpers/cli.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync service-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('service install writes a systemd user unit that systemd-analyze verify accepts; uninstall removes exactly it', async () => {
  const xdg = join(work, 'xdg config');
  const runtime = join(work, 'runtime');
  await mkdir(runtime, { mode: 0o700 });
  const home = join(work, 'home with space');
  const env = cliEnv(home, { XDG_CONFIG_HOME: xdg });
  const r = await cryptsync(['service', 'install', '--kind', 'systemd', '--no-enable', '--profile', 'work'], { env });
  assert.equal(r.code, 0, r.stderr);
  const unit = join(xdg, 'systemd', 'user', 'cryptsync-work.service');
  assert.match(r.stdout, new RegExp(`wrote ${unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(r.stdout, /systemctl --user enable --now cryptsync-work\.service/);
  assert.match(r.stdout, /loginctl enable-linger/);
  const text = await readFile(unit, 'utf8');
  assert.ok(text.includes(`Environment="CRYPTSYNC_HOME=${home}"`), text);
  assert.ok(text.includes(`ExecStart="${process.execPath}" "${BIN}" "daemon" "--profile" "work"`), text);
  assert.ok(text.includes('RestartPreventExitStatus=4'), text);
  const v = spawnSync('systemd-analyze', ['verify', '--user', unit], { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: xdg } });
  assert.equal(v.status, 0, `systemd-analyze verify: ${v.stderr}${v.stdout}`);
  assert.equal(v.stderr.trim(), '', v.stderr);

  const st = jsonLines((await cryptsync(['service', 'status', '--kind', 'systemd', '--no-enable', '--profile', 'work', '--json'], { env })).stdout)[0]!;
  assert.equal(st.installed, true);
  assert.equal(st.path, unit);

  // another profile's unit, and a foreign file under our name, are never touched
  const other = join(xdg, 'systemd', 'user', 'cryptsync.service');
  await writeFile(other, '[Service]\nExecStart=/bin/true\n');
  const foreign = await cryptsync(['service', 'uninstall', '--kind', 'systemd', '--no-enable'], { env });
  assert.equal(foreign.code, 4, foreign.stderr);
  assert.match(foreign.stderr, /was not written by "cryptsync service install"/);
  assert.ok(existsSync(other));

  const u = await cryptsync(['service', 'uninstall', '--kind', 'systemd', '--no-enable', '--profile', 'work'], { env });
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /removed /);
  assert.deepEqual(await readdir(join(xdg, 'systemd', 'user')), ['cryptsync.service']);
});

test('without systemd the cron line is printed and nothing is written', async () => {
  const home = join(work, 'cron-home');
  const xdg = join(work, 'cron-xdg');
  const env = cliEnv(home, { XDG_CONFIG_HOME: xdg });
  // auto-detection where systemd is not the running init, or the explicit kind elsewhere
  const args = existsSync('/run/systemd/system') ? ['service', 'install', '--kind', 'cron'] : ['service', 'install'];
  const r = await cryptsync(args, { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /systemd is not running on this machine/);
  assert.ok(r.stdout.includes(`@reboot CRYPTSYNC_HOME='${home}' '${process.execPath}' '${BIN}' daemon --profile 'default' >> '${join(home, 'daemon.log')}' 2>&1`), r.stdout);
  assert.equal(existsSync(xdg), false, 'no file is written');
});
