// One door to an encrypted catalog: the real `cryptsync` process (encrypt, restore, verify,
// mapping) and the web API (test/server harness, same home) go through the same Engine calls, so
// for the same input they give the same refusal (code and message, the field named as each front
// end calls it), the same summary text and the same entries, whether the catalog is named by a
// crypt remote or by the encrypt task that writes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startHarness, type Harness } from '../server/harness.js';
import { cliEnv, cryptsync, jsonLines } from '../helpers/cli.js';
import { makeTree, readTree } from '../helpers/tree.js';
import { syncSummaryText } from '../../src/run/index.js';
import { CryptsyncError } from '../../src/util/errors.js';

type ErrorBody = { error: { code: string; message: string; field?: string } };

let h: Harness;
let env: NodeJS.ProcessEnv;
let work: string;
let plain: string;
let catalog: string;
let outside: string;

before(async () => {
  h = await startHarness();
  env = cliEnv(h.home);
  work = join(h.home, 'work');
  plain = join(work, 'plain');
  catalog = join(work, 'catalog');
  await makeTree(plain, { 'a.txt': 'one door plain text', 'sub/b.txt': 'more plain text', 'sub/deeper/c.bin': randomBytes(3000).toString('hex') });
  await h.engine.addRemote({ name: 'vault', path: catalog, password: randomBytes(24).toString('hex') });
  await h.engine.addTask({ name: 'enc', type: 'encrypt', source: plain, remote: 'vault:' });
  const { runId } = h.engine.startRun('enc');
  assert.equal((await h.engine.waitRun(runId)).status, 'ok');
  outside = await mkdtemp(join(tmpdir(), 'cryptsync-one-door-'));
});

after(async () => {
  await h.close();
  await rm(outside, { recursive: true, force: true });
});

/** the CLI's --json error line */
function cliError(stdout: string): { code: string; message: string } {
  const e = jsonLines(stdout).find((l) => l.type === 'error');
  assert.ok(e, `an error line in ${stdout}`);
  return { code: String(e.code), message: String(e.message) };
}

/** the duration is the only part of a summary line two runs may not share */
function sameRun(lines: string[]): string[] {
  return lines.map((l) => l.replace(/ in \d+\.\d s$/, ' in N s'));
}

test('restore refusals: the same code and message from the CLI and the web API, by remote and by task', async () => {
  const cases: Array<{ target: string; code: string; status: number; cliExit: number }> = [
    { target: join(catalog, 'restore-here'), code: 'RESTORE_TARGET_UNSAFE', status: 409, cliExit: 1 },
    { target: work, code: 'RESTORE_TARGET_UNSAFE', status: 409, cliExit: 1 },
    { target: 'relative/out', code: 'RESTORE_TARGET_RELATIVE', status: 400, cliExit: 2 },
  ];
  for (const c of cases) {
    for (const source of ['vault:', 'enc']) {
      const cli = await cryptsync(['restore', source, c.target, '--json'], { env, cwd: outside });
      assert.equal(cli.code, c.cliExit, `${source} -> ${c.target}: ${cli.stderr}`);
      const api = await h.json<ErrorBody>('POST', '/api/restore', { source, target: c.target });
      assert.equal(api.status, c.status, api.text);
      const fromCli = cliError(cli.stdout);
      assert.equal(fromCli.code, c.code);
      assert.equal(api.body.error.code, c.code);
      assert.equal(api.body.error.field, 'target');
      assert.ok(fromCli.message.startsWith('<target-dir>: '), fromCli.message);
      assert.equal(fromCli.message.replace(/^<target-dir>: /, 'target: '), api.body.error.message, 'one guard, one message');
    }
  }
  assert.equal(existsSync(join(catalog, 'restore-here')), false);
  assert.equal(existsSync(join(outside, 'relative')), false);
});

test('restore: the CLI prints the summary text the web API returns; both restore the same files', async () => {
  const cliTarget = join(outside, 'cli');
  const apiTarget = join(outside, 'api');
  const cli = await cryptsync(['restore', 'enc', cliTarget, '--include', '/sub/**'], { env });
  assert.equal(cli.code, 0, cli.stderr);
  const api = await h.json<{ target: string; summary: Parameters<typeof syncSummaryText>[1]; text: string[] }>('POST', '/api/restore', { source: 'vault:', paths: ['sub'], target: apiTarget });
  assert.equal(api.status, 200, api.text);
  assert.equal(api.body.target, apiTarget);
  assert.deepEqual(api.body.text, syncSummaryText('restored', api.body.summary), 'the server answers with the run layer summary text');
  assert.match(api.body.text[0] ?? '', /^restored: 2 new, 0 changed, 0 deleted files; /);
  const printed = cli.stdout.trimEnd().split('\n');
  assert.deepEqual(sameRun(printed.slice(-api.body.text.length)), sameRun(api.body.text));
  assert.deepEqual(await readTree(cliTarget), await readTree(apiTarget));
  assert.deepEqual([...(await readTree(cliTarget)).keys()].sort(), ['sub', 'sub/b.txt', 'sub/deeper', 'sub/deeper/c.bin']);
});

test('verify and mapping: the same lines and entries from the CLI (task or remote) and the web API', async () => {
  const api = await h.json<{ text: string[]; matching: number }>('POST', '/api/verify', { task: 'enc' });
  assert.equal(api.status, 200, api.text);
  assert.deepEqual(api.body.text.slice(0, 2), ['0 differences found', '3 matching files']);
  // then the catalog against the manifest its encrypt wrote (docs/manifest.md)
  assert.equal(api.body.text.length, 3);
  assert.match(api.body.text[2] as string, /^manifest generation 1 \(.*\): the catalog matches it, 3 files/);
  for (const source of ['vault:', 'enc']) {
    const cli = await cryptsync(['verify', plain, source], { env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(cli.stdout.trimEnd().split('\n'), api.body.text, source);
  }
  const changed = join(plain, 'a.txt');
  const was = await stat(changed);
  await writeFile(changed, 'one door PLAIN text');
  try {
    const apiBad = await h.json<{ text: string[] }>('POST', '/api/verify', { task: 'enc' });
    const cliBad = await cryptsync(['verify', plain, 'enc'], { env });
    assert.equal(cliBad.code, 3);
    assert.deepEqual(cliBad.stdout.trimEnd().split('\n'), apiBad.body.text);
    assert.equal(apiBad.body.text[0], '1 differences found');
  } finally {
    await writeFile(changed, 'one door plain text');
    await utimes(changed, was.atime, was.mtime);
  }

  const apiMap = await h.json<Array<{ plain: string; encrypted: string; type: string }>>('GET', '/api/mapping?source=enc');
  const cliMap = jsonLines((await cryptsync(['mapping', 'enc', '--json'], { env })).stdout).filter((l) => l.type !== 'summary');
  const pairs = (xs: Array<Record<string, unknown>>) => xs.map((m) => `${String(m.type)} ${String(m.plain)} ${String(m.encrypted)}`).sort();
  // the tree's five entries; the catalog's manifest is cryptsync's own file, not a mapping of user data
  assert.equal(apiMap.body.length, 5);
  assert.equal(apiMap.body.filter((m) => m.plain === '.cryptsync-manifest').length, 0);
  assert.deepEqual(pairs(cliMap), pairs(apiMap.body));
});

test('one-off encrypt: the catalog write guard refuses the CLI and the Engine call alike; a task name works as a remote', async () => {
  const other = join(work, 'other-plain');
  await makeTree(other, { 'x.txt': 'another source' });
  const before = await readTree(catalog);
  const cli = await cryptsync(['encrypt', other, 'vault:', '--json'], { env });
  assert.equal(cli.code, 1, cli.stderr);
  const fromCli = cliError(cli.stdout);
  const fromEngine = await h.engine.encrypt('vault:', { source: other }).then(
    () => assert.fail('the engine encrypted into a catalog another task writes'),
    (e: unknown) => e as CryptsyncError,
  );
  assert.ok(fromEngine instanceof CryptsyncError);
  assert.equal(fromCli.code, 'CATALOG_SHARED');
  assert.equal(fromEngine.code, 'CATALOG_SHARED');
  assert.equal(fromCli.message, fromEngine.message);
  assert.match(fromCli.message, /^cryptsync encrypt: encrypt task "enc" of profile "default" already writes the same encrypted catalog \(vault:\)/);
  assert.deepEqual(await readTree(catalog), before, 'nothing written');

  // the task's own source into the catalog named by the task: nothing to do, same words both ways
  const dry = await cryptsync(['encrypt', plain, 'enc', '--dry-run'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  const viaEngine = await h.engine.encrypt('enc', { dryRun: true });
  assert.match(viaEngine.text[0] ?? '', /^dry run, nothing encrypted: 0 new, 0 changed, 0 deleted files; 0 new, 0 deleted folders; 3 unchanged; /);
  assert.deepEqual(sameRun(dry.stdout.trimEnd().split('\n').slice(-viaEngine.text.length)), sameRun(viaEngine.text));
});
