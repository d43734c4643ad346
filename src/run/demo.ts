// The demo profile a newcomer can load in one click (web UI) or one command: a small plain
// folder, a crypt remote with a generated password, an encrypt task and a synchronize task to a
// local "server" folder, connected as a combined task. Loading it twice changes nothing.
import { mkdir, writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from './engine.js';

export const DEMO_REMOTE = 'demo-crypt';
export const DEMO_ENCRYPT_TASK = 'demo-encrypt';
export const DEMO_SYNC_TASK = 'demo-backup';

/** Deterministic bytes, so the demo's files look like data and not like zeros. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export async function writeDemoFiles(plain: string): Promise<void> {
  const files: Array<[string, string | Buffer]> = [
    ['README.txt', 'These files are the demo of cryptsync: they are encrypted, then pushed with rsync.\n'],
    ['notes/2026-11 meeting.md', '# Meeting\n\n- back up the photos\n- check the restore\n'],
    ['notes/ideas.txt', 'an encrypted backup the server cannot read\n'],
    ['photos/holiday/beach.jpg', pattern(300_000, 1)],
    ['photos/holiday/sunset.jpg', pattern(180_000, 2)],
    ['photos/family/Grüße aus Köln.png', pattern(90_000, 3)],
    ['documents/taxes/2025 return.pdf', pattern(65_537, 4)],
    ['documents/letter.txt', 'Dear server, you will only ever see ciphertext.\n'],
  ];
  const when = new Date('2026-01-15T10:00:00Z');
  for (const [rel, data] of files) {
    const p = join(plain, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, data);
    await utimes(p, when, when);
  }
  await mkdir(join(plain, 'empty folder'), { recursive: true });
}

export async function createDemo(engine: Engine): Promise<{ tasks: string[]; folder: string }> {
  const folder = join(engine.home, 'demo');
  const plain = join(folder, 'plain');
  const encrypted = join(folder, 'encrypted');
  const server = join(folder, 'server');
  const names = engine.tasks.list().map((t) => t.name);
  if (names.includes(DEMO_ENCRYPT_TASK) && names.includes(DEMO_SYNC_TASK)) {
    return { tasks: [DEMO_ENCRYPT_TASK, DEMO_SYNC_TASK], folder };
  }
  await writeDemoFiles(plain);
  await mkdir(encrypted, { recursive: true });
  await mkdir(server, { recursive: true });
  const remotes = await engine.listRemotes();
  if (!remotes.some((r) => r.name === DEMO_REMOTE)) {
    await engine.addRemote({ name: DEMO_REMOTE, path: encrypted, generatePassword: true });
  }
  if (!names.includes(DEMO_ENCRYPT_TASK)) {
    await engine.tasks.add({ name: DEMO_ENCRYPT_TASK, type: 'encrypt', source: plain, remote: `${DEMO_REMOTE}:`, notes: 'demo: plain folder -> encrypted catalog' });
  }
  if (!names.includes(DEMO_SYNC_TASK)) {
    await engine.tasks.add({ name: DEMO_SYNC_TASK, type: 'synchronize', source: encrypted, dest: server, notes: 'demo: encrypted catalog -> a local "server" folder' });
  }
  await engine.tasks.connect(DEMO_SYNC_TASK, DEMO_ENCRYPT_TASK);
  return { tasks: [DEMO_ENCRYPT_TASK, DEMO_SYNC_TASK], folder };
}
