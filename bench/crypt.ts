// `npm run bench -- crypt [--size-mib=N]`: single-thread encrypt/decrypt throughput of cryptsync's
// crypt library on a 1 GiB stream, next to the real rclone doing the same through a local crypt
// remote (`rclone rcat` / `rclone cat`), with the ratio. Writes its figures into the "crypt"
// section of BENCHMARKS.md (and only that section).
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Cipher, obscure } from '../src/crypt/index.js';

const MIB = 1024 * 1024;
const sizeArg = process.argv.find((a) => a.startsWith('--size-mib='));
const SIZE_MIB = sizeArg ? Number(sizeArg.split('=')[1]) : 1024;
const TOTAL = SIZE_MIB * MIB;
const PASSWORD = 'benchmark password';
const SECTION = 'crypt';

const pattern = randomBytes(MIB);

async function* source(): AsyncGenerator<Buffer> {
  for (let i = 0; i < SIZE_MIB; i++) yield pattern;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function mibPerSec(bytes: number, ms: number): number {
  return bytes / MIB / (ms / 1000);
}

async function writeAll(it: AsyncIterable<Uint8Array>, path: string): Promise<number> {
  const ws = createWriteStream(path, { highWaterMark: 4 * MIB });
  let n = 0;
  for await (const chunk of it) {
    n += chunk.length;
    if (!ws.write(chunk)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  return n;
}

async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of it) n += chunk.length;
  return n;
}

function rcloneRun(args: string[], config: string, feed?: boolean): Promise<{ ms: number; outBytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('rclone', ['--config', config, '-q', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let outBytes = 0;
    child.stdout.on('data', (d: Buffer) => (outBytes += d.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, outBytes }) : reject(new Error(`rclone ${args[0]} exited ${code}`))));
    if (feed) {
      void (async () => {
        for await (const chunk of source()) if (!child.stdin.write(chunk)) await once(child.stdin, 'drain');
        child.stdin.end();
      })();
    } else child.stdin.end();
  });
}

async function rcloneVersion(): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('rclone', ['version']);
    let s = '';
    c.stdout.on('data', (d: Buffer) => (s += d.toString()));
    c.on('close', () => resolve(s.split('\n')[0] ?? 'rclone'));
  });
}

async function updateBenchmarksFile(body: string): Promise<void> {
  const path = join(process.cwd(), 'BENCHMARKS.md');
  let text = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
  const heading = `## ${SECTION}`;
  const block = `${heading}\n\n${body.trim()}\n`;
  const start = text.split('\n').findIndex((l) => l.trim() === heading);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${block}`;
  } else {
    const lines = text.split('\n');
    let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    if (end < 0) end = lines.length;
    text = [...lines.slice(0, start), ...block.split('\n'), ...lines.slice(end)].join('\n').replace(/\n{3,}/g, '\n\n');
  }
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cryptsync-bench-crypt-'));
  try {
    const cipher = await Cipher.create({ password: PASSWORD });
    const config = join(dir, 'rclone.conf');
    await writeFile(config, `[bench]\ntype = crypt\nremote = ${join(dir, 'rclone-enc')}\nfilename_encryption = off\npassword = ${obscure(PASSWORD)}\n`);
    console.log(`crypt benchmark: ${SIZE_MIB} MiB stream, single thread, ${cpus()[0]?.model ?? 'cpu'}`);

    // ours: encryption alone (memory -> memory) and to a file; decryption from the file
    let t = performance.now();
    const encBytes = await drain(cipher.encrypt(source()));
    const encMemMs = performance.now() - t;
    const ourFile = join(dir, 'ours.bin');
    t = performance.now();
    await writeAll(cipher.encrypt(source()), ourFile);
    const encFileMs = performance.now() - t;
    t = performance.now();
    const decBytes = await drain(cipher.decrypt(createReadStream(ourFile, { highWaterMark: 4 * MIB })));
    const decFileMs = performance.now() - t;
    if (decBytes !== TOTAL || encBytes !== cipher.encryptedSize(TOTAL)) throw new Error('size mismatch');

    // rclone: rcat (stdin -> encrypted file) and cat (encrypted file -> stdout)
    const rcat = await rcloneRun(['rcat', 'bench:data.bin'], config, true);
    const rEnc = join(dir, 'rclone-enc', 'data.bin.bin');
    if ((await stat(rEnc)).size !== encBytes) throw new Error('rclone ciphertext size mismatch');
    const rcat2 = await rcloneRun(['cat', 'bench:data.bin'], config);
    if (rcat2.outBytes !== TOTAL) throw new Error('rclone cat size mismatch');
    // cross-check on the same data: we decrypt what rclone wrote
    t = performance.now();
    const crossBytes = await drain(cipher.decrypt(createReadStream(rEnc, { highWaterMark: 4 * MIB })));
    const crossMs = performance.now() - t;
    if (crossBytes !== TOTAL) throw new Error('cross decrypt size mismatch');

    // names: 20,000 file names each way (CPU time)
    const names = Array.from({ length: 20000 }, (_, i) => `photos/2024/IMG_${String(i).padStart(5, '0')}.jpg`);
    names.slice(0, 2000).forEach((n) => cipher.decryptFileName(cipher.encryptFileName(n)));
    let cpu = process.cpuUsage();
    const encNames = names.map((n) => cipher.encryptFileName(n));
    const nameEncMs = cpuMs(cpu);
    cpu = process.cpuUsage();
    encNames.forEach((n) => cipher.decryptFileName(n));
    const nameDecMs = cpuMs(cpu);

    const rows = [
      ['encrypt, memory -> memory (cryptsync)', mibPerSec(TOTAL, encMemMs)],
      ['encrypt, stream -> file (cryptsync)', mibPerSec(TOTAL, encFileMs)],
      ['encrypt, stdin -> file (rclone rcat)', mibPerSec(TOTAL, rcat.ms)],
      ['decrypt, file -> memory (cryptsync)', mibPerSec(TOTAL, decFileMs)],
      ['decrypt, rclone-written file (cryptsync)', mibPerSec(TOTAL, crossMs)],
      ['decrypt, file -> stdout (rclone cat)', mibPerSec(TOTAL, rcat2.ms)],
    ] as const;
    const encRatio = mibPerSec(TOTAL, encFileMs) / mibPerSec(TOTAL, rcat.ms);
    const decRatio = mibPerSec(TOTAL, decFileMs) / mibPerSec(TOTAL, rcat2.ms);
    for (const [label, v] of rows) console.log(`  ${label.padEnd(44)} ${v.toFixed(1).padStart(8)} MiB/s`);
    console.log(`  ratio cryptsync/rclone: encrypt ${encRatio.toFixed(2)}x, decrypt ${decRatio.toFixed(2)}x`);
    console.log(`  20,000 names (3 segments): encrypt ${nameEncMs.toFixed(1)} ms, decrypt ${nameDecMs.toFixed(1)} ms CPU`);

    const version = await rcloneVersion();
    const body = [
      `Run: \`npm run bench -- crypt\` (${SIZE_MIB} MiB stream, one thread, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${version}, Node ${process.version}).`,
      'Our side uses `Cipher.encrypt`/`Cipher.decrypt` (sodium-native secretbox, 64 KiB chunks); rclone goes through a local crypt remote.',
      'The machine was shared with other jobs while this ran; treat the numbers as rough.',
      '',
      '| operation | MiB/s |',
      '|---|---:|',
      ...rows.map(([label, v]) => `| ${label} | ${v.toFixed(1)} |`),
      '',
      `Ratio cryptsync / rclone: encrypt ${encRatio.toFixed(2)}x, decrypt ${decRatio.toFixed(2)}x.`,
      '',
      `Names (standard, base32): 20,000 three-segment paths encrypt in ${nameEncMs.toFixed(1)} ms and decrypt in ${nameDecMs.toFixed(1)} ms of CPU time.`,
    ].join('\n');
    await updateBenchmarksFile(body);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
