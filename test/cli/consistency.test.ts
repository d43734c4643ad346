// The CLI speaks one language (the real `cryptsync` process on a temp home): --json is one object
// per line in task list, log and doctor; a mistyped task or remote name gets "did you mean …?"
// and the list of what exists; every --help describes --profile and --json; the log explains
// its step notation; a generated password has the same strength as the web UI's and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';

let home: string;
let env: NodeJS.ProcessEnv;

async function ok(args: string[]): Promise<string> {
  const r = await cryptsync(args, { env });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'cryptsync-consistency-'));
  env = cliEnv(home);
  const plain = join(home, 'plain');
  await mkdir(plain);
  await writeFile(join(plain, 'a.txt'), 'hello');
  await ok(['remote', 'add', 'vault', '--path', join(home, 'enc'), '--generate-password']);
  await ok(['task', 'add', 'backup', '--type', 'encrypt', '--source', plain, '--remote', 'vault:']);
  await ok(['task', 'add', 'copy', '--type', 'synchronize', '--source', join(home, 'enc'), '--dest', join(home, 'server'), '--connect', 'backup']);
  await ok(['estimate', 'copy']);
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

test('--json: task list, log and doctor print one object per line', async () => {
  const tasks = jsonLines(await ok(['task', 'list', '--json']));
  assert.deepEqual(tasks.map((l) => [l.type, (l.task as { name: string }).name]), [['task', 'backup'], ['task', 'copy']]);
  assert.equal((tasks[1]?.task as { type: string }).type, 'combined');
  const runs = jsonLines(await ok(['log', '--json']));
  assert.ok(runs.length >= 1 && runs.every((l) => l.type === 'run' && typeof (l.run as { id: number }).id === 'number'), JSON.stringify(runs));
  const doctor = await cryptsync(['doctor', '--json'], { env });
  const checks = jsonLines(doctor.stdout);
  assert.ok(checks.length > 1 && checks.every((l) => l.type === 'doctor-check' && typeof l.check === 'string'), doctor.stdout);
  for (const line of [...(await ok(['task', 'list', '--json'])).split('\n'), ...doctor.stdout.split('\n')].filter(Boolean)) {
    assert.doesNotThrow(() => JSON.parse(line), `not one JSON object: ${line}`);
  }
});

test('did you mean: a mistyped task or remote name names the closest and lists what exists', async () => {
  const t = await cryptsync(['task', 'show', 'bakup'], { env });
  assert.notEqual(t.code, 0);
  assert.match(t.stderr, /no task "bakup" in profile "default"; did you mean backup\? tasks in profile "default": backup, copy/);
  const r = await cryptsync(['remote', 'show', 'vaul'], { env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /remote "vaul" not found.*; did you mean vault\? remotes: vault/);
  const far = await cryptsync(['run', 'zzzzzz'], { env });
  assert.notEqual(far.code, 0);
  assert.doesNotMatch(far.stderr, /did you mean/, 'nothing close: no guess');
  assert.match(far.stderr, /tasks in profile "default": backup, copy/);
});

test('every --help describes --profile and --json', async () => {
  /** the command names of a help text's "Commands:" section */
  const commandsOf = (help: string): string[] =>
    [...(help.split('Commands:')[1] ?? '').matchAll(/^ {2}([a-z][a-z-]*)(?=\s)/gm)].map((m) => m[1] as string).filter((c) => c !== 'help');
  const groups: Record<string, string[]> = {};
  for (const c of commandsOf(await ok(['--help']))) groups[c] = commandsOf(await ok([c, '--help']));
  assert.ok(Object.keys(groups).length >= 15 && (groups.task ?? []).includes('list'), JSON.stringify(groups));
  const checked: string[] = [];
  for (const [c, subs] of Object.entries(groups)) {
    for (const argv of subs.length ? subs.map((s) => [c, s]) : [[c]]) {
      const help = await ok([...argv, '--help']);
      for (const opt of ['--profile', '--json']) {
        const line = help.split('\n').find((l) => l.trimStart().startsWith(opt));
        if (!line) continue;
        checked.push(`${argv.join(' ')} ${opt}`);
        assert.match(line, new RegExp(`${opt}(?: <name>)?\\s{2,}\\S`), `${argv.join(' ')} --help: ${opt} has no description: "${line}"`);
      }
    }
  }
  assert.ok(checked.filter((x) => x.endsWith('--profile')).length >= 15, `only ${checked.length} checked`);
});

test('the log explains its step notation', async () => {
  const log = await ok(['log']);
  assert.match(log, /\d+\+\d+~\d+-/);
  assert.match(log, /N new, C changed and D deleted files/);
});

test('a generated password: 256 bits (43 characters) in the CLI as in the web UI, stated in the output', async () => {
  const r = await cryptsync(['remote', 'add', 'gen', '--path', join(home, 'gen'), '--generate-password'], { env });
  assert.equal(r.code, 0, r.stderr);
  const pw = /Generated password for "gen": (\S+)/.exec(r.stdout)?.[1] ?? '';
  assert.equal(pw.length, 43);
  assert.equal(Buffer.from(pw, 'base64url').length, 32);
  assert.match(r.stdout, /256-bit \(43 characters\)/);
  const j = jsonLines((await cryptsync(['remote', 'add', 'gen2', '--path', join(home, 'gen2'), '--generate-password', '--json'], { env })).stdout);
  assert.equal(j[0]?.bits, 256);
});
