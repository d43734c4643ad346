// `cryptsync import-rsyncosx FILE`: imports the tasks of an RsyncOSX configurations.json and
// reports what could not be mapped.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { importRsyncOSX } from '../../tasks/index.js';
import { CryptsyncError } from '../../util/errors.js';
import { PROFILE_HELP, JSON_HELP } from '../option-help.js';

export function registerImport(program: Command, io: CliIo): void {
  program
    .command('import-rsyncosx')
    .argument('<file>', 'RsyncOSX configurations.json')
    .option('--dry-run', 'show what would be imported, change nothing')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('import tasks from an RsyncOSX configurations.json')
    .action(async (file: string, o: Record<string, unknown>) => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new CryptsyncError('usage', 'BAD_IMPORT_FILE', `${file}: ${(e as Error).message}`, { subject: file });
      }
      const r = importRsyncOSX(json, io.env.HOME ? { home: io.env.HOME } : {});
      await withEngine(io, o, async (e) => {
        const existing = new Set(e.tasks.list().map((t) => t.name));
        const skipped = [...r.skipped];
        const fresh = r.tasks.filter((t) => {
          if (!existing.has(t.name)) return true;
          skipped.push({ reason: `a task named "${t.name}" exists already` });
          return false;
        });
        const added = o.dryRun ? fresh.map((t) => t.name) : await e.importTasks(fresh);
        if (o.json) jsonLine(io, { type: 'import', dryRun: Boolean(o.dryRun), added, skipped, notes: r.notes });
        else {
          out(io, `${o.dryRun ? 'would import' : 'imported'} ${added.length} task(s)${added.length ? `: ${added.join(', ')}` : ''}`);
          for (const s of skipped) out(io, `skipped${s.hiddenID !== undefined ? ` hiddenID ${s.hiddenID}` : ''}: ${s.reason}`);
          for (const n of r.notes) out(io, `note: ${n}`);
        }
      });
    });
}
