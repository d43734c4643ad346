// A/B of durable writes on the small-file set: before (no durability), before + one syncfs of the
// catalog after the run (the floor of any durable variant), after (main), rclone. Rotated order,
// fresh catalog + sync before each run. Usage (from the project root):
//   git worktree add --detach /tmp/before 3355e3a && (cd /tmp/before && npm ci && npx tsc -p .)
//   node bench/tools/durable-ab.mjs ROUNDS [AFTER_BIN] [BEFORE_BIN] [DATA_DIR]
import { spawnSync } from 'node:child_process';
import { createHash, createCipheriv } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, rmSync, utimesSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const ROUNDS = Number(process.argv[2] ?? 5);
const AFTER = process.argv[3] ?? new URL('../../bin/cryptsync.js', import.meta.url).pathname;
const BEFORE = process.argv[4] ?? '/tmp/before/bin/cryptsync.js';
const D = process.argv[5] ?? '/tmp/cryptsync-durable-ab';
const plain = join(D, 'plain');
if (!existsSync(join(D, 'ok'))) {
  rmSync(D, { recursive: true, force: true });
  for (let i = 0; i < 20000; i++) {
    const dir = join(plain, `folder-${String(i % 100).padStart(3, '0')}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    const key = createHash('sha256').update(`small ${i}`).digest();
    const n = 100 + ((i * 2654435761) % (8 * 1024 - 100));
    const p = join(dir, `file-${i}.dat`);
    writeFileSync(p, createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n)));
    utimesSync(p, 1_700_000_000 + i, 1_700_000_000 + i);
  }
  writeFileSync(join(D, 'ok'), '');
}
const pw = spawnSync('rclone', ['obscure', 'benchmark password'], { encoding: 'utf8' }).stdout.trim();
const conf = join(D, 'rclone.conf');
writeFileSync(conf, ['cs', 'rc'].map((n) => `[${n}]\ntype = crypt\nremote = ${join(D, `enc-${n}`)}\npassword = ${pw}\n`).join('\n'));
const enc = (r) => join(D, `enc-${r}`);
const variants = {
  before: ['node', BEFORE, 'encrypt', '--config', conf, plain, 'cs:'],
  'before+syncfs': ['sh', '-c', `node ${BEFORE} encrypt --config ${conf} ${plain} cs: && sync -f ${enc('cs')}`],
  after: ['node', AFTER, 'encrypt', '--config', conf, plain, 'cs:'],
  rclone: ['rclone', '--config', conf, 'sync', plain, 'rc:'],
};
const cpuTotal = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number).reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0) / 100;
const res = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const names = Object.keys(variants);
for (let r = 0; r < ROUNDS; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const v of order) {
    rmSync(enc(v === 'rclone' ? 'rc' : 'cs'), { recursive: true, force: true });
    spawnSync('sync');
    const c0 = cpuTotal();
    const t0 = process.hrtime.bigint();
    const p = spawnSync('/usr/bin/time', ['-f', '@@%U %S', ...variants[v]], { encoding: 'utf8', env: { ...process.env, CRYPTSYNC_HOME: join(D, `home-${v.replace('+', '-')}`) } });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuAll = cpuTotal() - c0;
    if (p.status !== 0) throw new Error(`${v}: ${p.stderr.slice(-500)}`);
    const m = /@@([\d.]+) ([\d.]+)/.exec(p.stderr);
    const own = m ? Number(m[1]) + Number(m[2]) : NaN;
    res[v].push({ wall, own, other: cpuAll - own });
    console.log(`round ${r + 1} ${v.padEnd(14)} wall ${wall.toFixed(2)} s  cpu ${own.toFixed(2)} s  other cpu ${(cpuAll - own).toFixed(2)} s`);
  }
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const base = med(res.before.map((x) => x.wall));
for (const v of names) {
  const w = med(res[v].map((x) => x.wall));
  console.log(`${v.padEnd(14)} median wall ${w.toFixed(2)} s  (${((w / base - 1) * 100).toFixed(0)} % vs before; sorted ${res[v].map((x) => x.wall).sort((a, b) => a - b).map((x) => x.toFixed(2)).join(' ')})`);
}
