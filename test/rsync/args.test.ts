// buildRsyncArgs order and contents (RsyncOSX order), extra-flag validation, and shell quoting
// for the copyable command line (checked by running the line through a real /bin/sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildRsyncArgs, buildSshCommand, formatShellCommand, validateExtraFlags } from '../../src/rsync/index.js';
import { UsageError } from '../../src/util/errors.js';

test('local push: RsyncOSX order, no compress and no -e, source gets a trailing slash', () => {
  assert.deepEqual(buildRsyncArgs({ mode: 'push', source: '/data/plain', dest: '/backup/copy' }), [
    '--archive', '--verbose', '--delete', '--itemize-changes', '--stats', '--info=progress2', '/data/plain/', '/backup/copy',
  ]);
});

test('remote push with key, port and ssh options, excludes, max-delete, link-dest, dry run', () => {
  const args = buildRsyncArgs({
    mode: 'push',
    source: '/data/enc/',
    dest: 'ignored',
    remote: { host: 'backup.example.org', user: 'anna', path: '/srv/backup/enc' },
    sshKey: '/home/anna/.ssh/id_ed25519',
    sshPort: 2222,
    sshOptions: ['UserKnownHostsFile=/tmp/kh', 'BatchMode=yes'],
    extraFlags: ['--backup', '--backup-dir=../old'],
    excludes: ['*.tmp', '.DS_Store'],
    maxDelete: 100,
    linkDest: '/srv/backup/enc/1',
    dryRun: true,
  });
  assert.deepEqual(args, [
    '--archive', '--verbose', '--delete',
    '-e', 'ssh -i /home/anna/.ssh/id_ed25519 -p 2222 -o UserKnownHostsFile=/tmp/kh -o BatchMode=yes',
    '--backup', '--backup-dir=../old',
    '--exclude=*.tmp', '--exclude=.DS_Store',
    '--max-delete=100', '--link-dest=/srv/backup/enc/1',
    '--dry-run', '--itemize-changes', '--stats',
    '/data/enc/', 'anna@backup.example.org:/srv/backup/enc',
  ]);
});

test('remote with no user and no ssh settings still uses -e ssh (RsyncOSX default)', () => {
  const args = buildRsyncArgs({ mode: 'push', source: 'a', dest: '', remote: { host: 'srv', path: 'x' } });
  assert.deepEqual(args.slice(0, 5), ['--archive', '--verbose', '--delete', '-e', 'ssh']);
  assert.deepEqual(args.slice(-2), ['a/', 'srv:x']);
});

test('pull (syncremote): remote source with trailing slash, local dest last', () => {
  const args = buildRsyncArgs({
    mode: 'pull', source: 'ignored', dest: '/restore/here', remote: { host: '127.0.0.1', user: 'root', path: '/srv/enc' }, sshPort: 22,
  });
  assert.deepEqual(args.slice(-2), ['root@127.0.0.1:/srv/enc/', '/restore/here']);
  assert.ok(!args.includes('--compress'), 'ciphertext does not compress: off unless asked');
  assert.ok(buildRsyncArgs({ mode: 'pull', source: '', dest: '/r', remote: { host: 'h', path: 'p' }, compress: true }).includes('--compress'));
});

test('--partial-dir on real runs only, and only a relative folder inside the destination', () => {
  const base = { mode: 'push' as const, source: '/d', dest: '', remote: { host: 'h', path: '/p' }, partialDir: '.rsync-partial' };
  const args = buildRsyncArgs(base);
  assert.ok(args.includes('--partial-dir=.rsync-partial'));
  assert.ok(args.indexOf('--partial-dir=.rsync-partial') < args.indexOf('--itemize-changes'));
  assert.ok(!buildRsyncArgs({ ...base, dryRun: true }).some((a) => a.startsWith('--partial-dir')));
  for (const bad of ['', '/abs', '../up', 'a/../../b', 'x\ny']) {
    assert.throws(() => buildRsyncArgs({ ...base, partialDir: bad }), (e: unknown) => e instanceof UsageError && e.subject === 'partialDir', bad);
  }
});

test('daemon uses host::module/path and no -e; ssh settings with a daemon are refused', () => {
  const args = buildRsyncArgs({ mode: 'push', source: '/d', dest: '', remote: { host: 'nas', user: 'bk', path: 'backups/enc', daemon: true } });
  assert.equal(args.at(-1), 'bk@nas::backups/enc');
  assert.ok(!args.includes('-e'));
  const withPort = buildRsyncArgs({ mode: 'pull', source: '', dest: '/r', remote: { host: 'nas', path: 'm/p', daemon: true, port: 8873 } });
  assert.deepEqual(withPort.slice(2, 4), ['--delete', '--port=8873']);
  assert.deepEqual(withPort.slice(-2), ['nas::m/p/', '/r']);
  assert.throws(
    () => buildRsyncArgs({ mode: 'push', source: '/d', dest: '', remote: { host: 'nas', path: 'm', daemon: true }, sshPort: 22 }),
    (e: unknown) => e instanceof UsageError && /daemon on nas/.test(e.message),
  );
});

test('IPv6 host goes in brackets', () => {
  const args = buildRsyncArgs({ mode: 'push', source: '/d', dest: '', remote: { host: '::1', user: 'u', path: '/p' } });
  assert.equal(args.at(-1), 'u@[::1]:/p');
});

test('protect-args, no delete, no compress, per-file progress, no itemize/stats when asked', () => {
  const args = buildRsyncArgs({
    mode: 'push', source: '/my files', dest: '', remote: { host: 'h', path: '/srv/with space' },
    protectArgs: true, delete: false, compress: false, progress: 'per-file', itemize: false, stats: false,
  });
  assert.deepEqual(args, ['--archive', '--verbose', '-e', 'ssh', '--protect-args', '--progress', '/my files/', 'h:/srv/with space']);
});

test('dry run has no progress flag by default; progress can be forced', () => {
  assert.ok(!buildRsyncArgs({ mode: 'push', source: 'a', dest: 'b', dryRun: true }).some((a) => a.includes('progress')));
  assert.ok(buildRsyncArgs({ mode: 'push', source: 'a', dest: 'b', dryRun: true, progress: true }).includes('--info=progress2'));
});

test('ssh command quotes a key path with spaces and quotes the way rsync splits -e', () => {
  assert.equal(buildSshCommand({ sshKey: "/k/my key's", sshPort: 22 }), "ssh -i '/k/my key''s' -p 22");
  assert.equal(buildSshCommand({ sshOptions: ['ProxyCommand=ssh -W %h:%p jump'] }), "ssh -o 'ProxyCommand=ssh -W %h:%p jump'");
});

test('bad options are refused with the field named', () => {
  const bad: Array<[Parameters<typeof buildRsyncArgs>[0], RegExp]> = [
    [{ mode: 'push', source: '', dest: 'b' }, /source is empty/],
    [{ mode: 'push', source: 'a', dest: '', remote: { host: 'h', path: 'p' }, sshPort: 70000 }, /port must be/],
    [{ mode: 'push', source: 'a', dest: '', remote: { host: '-oProxyCommand=x', path: 'p' } }, /host is not valid/],
    [{ mode: 'push', source: 'a', dest: '', remote: { host: 'h', path: '' } }, /path on h is empty/],
    [{ mode: 'push', source: 'a', dest: '', remote: { host: 'h', path: 'p' }, sshOptions: ['novalue'] }, /KEY=VALUE/],
    [{ mode: 'push', source: 'a', dest: 'b', maxDelete: -1 }, /max-delete/],
    [{ mode: 'push', source: 'a', dest: '', remote: { host: 'h', path: 'p', port: 873 } }, /needs a daemon remote/],
  ];
  for (const [o, re] of bad) assert.throws(() => buildRsyncArgs(o), (e: unknown) => e instanceof UsageError && re.test(e.message));
});

test('validateExtraFlags accepts ordinary flags', () => {
  assert.deepEqual(
    validateExtraFlags(['--backup', '--backup-dir=../old $(x)', '--exclude-from=/a b/list', '-H', '-avz', '--delete-excluded', '-h', '--rsync-path=/usr/local/bin/rsync', '-B1024n', '--remote-option=--fake-super', '-M--log-file=/tmp/x']),
    [],
  );
});

test('validateExtraFlags refuses flags that break the contract, with the flag named', () => {
  const cases: Array<[string, RegExp]> = [
    ['-e', /-e is not allowed/],
    ['--rsh=ssh -p 2', /--rsh is not allowed/],
    ['-avn', /-n is not allowed/],
    ['--dry-run', /--dry-run/],
    ['--daemon', /--daemon/],
    ['--server', /--server/],
    ['--remove-source-files', /never delete its source/],
    ['--remove-sou', /--remove-source-files/],
    ['--quiet', /--quiet/],
    ['--out-format=%n', /--out-format/],
    ['--version', /--version/],
    ['--rsync-path=sudo rsync; rm -rf /', /remote shell/],
    ['--stderr=all', /--stderr/],
    ['--remote-option=--remove-source-files', /remote .*never delete its source/],
    ['-M--remove-source-files', /remote .*never delete its source/],
    ['--rsync-path=$(evil)', /remote shell/],
    ['--rsync-path', /--rsync-path=PROGRAM as one item/],
    ['/etc/passwd', /must be an option/],
    ['--exclude\nfoo', /line breaks/],
  ];
  for (const [flag, re] of cases) {
    const errors = validateExtraFlags([flag]);
    assert.equal(errors.length, 1, `${JSON.stringify(flag)} -> ${JSON.stringify(errors)}`);
    assert.match(errors[0]!, re);
    assert.match(errors[0]!, /extra flag 1/);
  }
});

test('formatShellCommand gives a line /bin/sh turns back into exactly the same argv', () => {
  const args = ['--exclude=*.tmp', 'a b', "it's", '$(touch /tmp/should-not-exist)', 'x;y', '"q"', '', 'back\\slash', 'tab\there', 'ünï'];
  const line = formatShellCommand('printf', ['%s\\0', ...args]);
  const out = execFileSync('/bin/sh', ['-c', line]).toString();
  assert.deepEqual(out.split('\0').slice(0, -1), args);
  assert.equal(formatShellCommand('rsync', ['--archive', '/a/b:c@d']), 'rsync --archive /a/b:c@d');
});
