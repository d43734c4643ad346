// `cryptsync demo`: a guided tour in a temporary home. It makes a plain folder and a crypt
// remote, estimates and runs a combined task (encrypt, then rsync to a local "server" folder),
// shows the name mapping, restores a file and compares it, verifies the catalog, and tells the
// user what to try next. Nothing outside the temporary home is touched.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { countsText } from '../engine-render.js';
import { humanDuration } from '../format.js';
import { ExitCode } from '../exit-code.js';
import { Engine, DEMO_SYNC_TASK, DEMO_ENCRYPT_TASK, DEMO_REMOTE } from '../../run/index.js';
import { generatedStrengthText } from '../../rclone/index.js';

async function runAndWait(e: Engine, name: string, dryRun: boolean) {
  const { runId } = e.startRun(name, { dryRun });
  const r = await e.waitRun(runId);
  return { ...r, run: e.getRun(runId)! };
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .option('--home <dir>', 'use this folder as the demo home (default: a new temporary folder)')
    .option('--json', 'print one JSON summary instead of the tour')
    .description('a guided tour: encrypt a small folder, push it with rsync, show the mapping, restore and verify')
    .action(async (o: { home?: string; json?: boolean }) => {
      const home = o.home ?? (await mkdtemp(join(tmpdir(), 'cryptsync-demo-')));
      const summary: Record<string, unknown> = { type: 'demo', home };
      const say = (line: string) => {
        if (!o.json) out(io, line);
      };
      const env: NodeJS.ProcessEnv = { ...io.env, CRYPTSYNC_HOME: home };
      delete env.RCLONE_CONFIG;
      const e = Engine.open({ home, env });
      let failed = false;
      try {
        say(`cryptsync demo — everything lives in ${home}\n`);
        const demo = await e.loadDemo();
        say(`1. Set up: a plain folder, a crypt remote "${DEMO_REMOTE}" (a generated ${generatedStrengthText()} password, stored obscured in ${e.rcloneConfig}),`);
        say(`   an encrypt task "${DEMO_ENCRYPT_TASK}" and a synchronize task "${DEMO_SYNC_TASK}" to ${join(demo.folder, 'server')}, connected as a combined task.\n`);
        for (const c of e.taskCommand(DEMO_SYNC_TASK)) say(`   ${c.step}: ${c.shell}`);

        const est = await runAndWait(e, DEMO_SYNC_TASK, true);
        summary.estimate = { status: est.status, steps: est.run.steps.map(({ outputTail: _t, ...rest }) => rest) };
        say(`\n2. Estimate (dry run, nothing written):`);
        for (const s of est.run.steps) say(`   ${s.kind}: ${s.filesNew} new, ${s.filesChanged} changed, ${s.filesDeleted} deleted`);

        const run = await runAndWait(e, DEMO_SYNC_TASK, false);
        summary.run = { status: run.status, steps: run.run.steps.map(({ outputTail: _t, ...rest }) => rest) };
        say(`\n3. Execute: ${run.status} in ${humanDuration(run.run.durationMs ?? 0)}`);
        for (const s of run.run.steps) say(`   ${s.kind}: ${s.status}, ${countsText({ newFiles: s.filesNew, changedFiles: s.filesChanged, deletedFiles: s.filesDeleted, files: s.files, bytes: s.bytes })}`);
        if (run.status !== 'ok') failed = true;

        const server = join(demo.folder, 'server');
        const onServer = (await readdir(server)).slice(0, 4);
        say(`\n4. The server holds only ciphertext, e.g. ${server}:`);
        for (const n of onServer) say(`   ${n}`);

        const mapping = await e.mapping(DEMO_ENCRYPT_TASK);
        say(`\n5. Mapping (plain -> encrypted), ${mapping.length} entries, first few:`);
        for (const m of mapping.slice(0, 6)) say(`   ${m.plain}  ->  ${m.encrypted}`);

        const file = 'notes/ideas.txt';
        const restored = await e.restore(DEMO_ENCRYPT_TASK, { paths: [file] });
        const same = (await readFile(join(restored.target, file))).equals(await readFile(join(demo.folder, 'plain', file)));
        say(`\n6. Restore "${file}" into a fresh folder ${restored.target}: ${same ? 'identical to the original' : 'DIFFERENT from the original'}`);
        if (!same) failed = true;
        summary.restore = { file, target: restored.target, identical: same };

        const v = await e.verify(DEMO_ENCRYPT_TASK);
        const diff = v.differing.length + v.missingOnDest.length + v.missingOnSource.length;
        say(`\n7. Verify (re-encrypt with each file's nonce, compare; nothing decrypted): ${v.matching} matching, ${diff} differences`);
        if (diff > 0 || v.errors > 0) failed = true;
        summary.verify = { matching: v.matching, differences: diff, errors: v.errors };
        summary.mappingEntries = mapping.length;

        say(`\nWhat to try next (in this demo home):`);
        say(`   export CRYPTSYNC_HOME=${home}`);
        say(`   npx cryptsync task list`);
        say(`   echo "a change" >> ${join(demo.folder, 'plain', 'notes', 'ideas.txt')}`);
        say(`   npx cryptsync estimate ${DEMO_SYNC_TASK}      # 1 changed file in each step`);
        say(`   npx cryptsync run ${DEMO_SYNC_TASK}`);
        say(`   npx cryptsync log`);
        say(`   RCLONE_CONFIG=${e.rcloneConfig} rclone ls ${DEMO_REMOTE}:     # stock rclone reads the same catalog`);
        say(`   npx cryptsync serve     # the web UI`);
      } finally {
        e.close();
      }
      if (o.json) jsonLine(io, { ...summary, ok: !failed });
      if (failed) throw new ExitCode(1);
    });
}
