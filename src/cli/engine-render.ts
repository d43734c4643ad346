// Renders engine events for a terminal: a live progress line on a TTY, plain lines otherwise,
// or one JSON object per line with --json. The engine knows nothing of this.
import type { EngineEvent, StepCounts } from '../run/index.js';
import type { CliIo } from './io.js';
import { jsonLine, out } from './io.js';
import { humanBytes } from '../util/human-bytes.js';
import { humanDuration, eta } from './format.js';

export function countsText(c: StepCounts): string {
  return `${c.newFiles} new, ${c.changedFiles} changed, ${c.deletedFiles} deleted, ${humanBytes(c.bytes)}`;
}

export function createEngineRenderer(io: CliIo, o: { json: boolean }): (e: EngineEvent) => void {
  const tty = io.stderr.isTTY === true && !o.json;
  let lastProgress = 0;
  let progressShown = false;
  const clear = () => {
    if (progressShown) {
      io.stderr.write('\r\x1b[2K');
      progressShown = false;
    }
  };
  return (e) => {
    if (o.json) {
      jsonLine(io, e);
      return;
    }
    switch (e.type) {
      case 'run-start':
        out(io, `${e.dryRun ? 'Estimating' : 'Running'} ${e.task} (${e.steps.join(' -> ')})`);
        break;
      case 'step-start':
        out(io, `  [${e.step}] started${e.command ? `: ${e.command}` : ''}`);
        break;
      case 'progress': {
        if (!tty) return;
        const now = Date.now();
        if (now - lastProgress < 200) return;
        lastProgress = now;
        const pct = e.bytesTotal > 0 ? Math.min(100, Math.floor((e.bytes / e.bytesTotal) * 100)) : 0;
        const files = e.filesTotal > 0 ? `${e.files}/${e.filesTotal} files` : `${e.files} files`;
        io.stderr.write(`\r\x1b[2K  [${e.step}] ${pct}%  ${files}  ${humanBytes(e.bytes)}  ${humanBytes(e.rateBps)}/s  ETA ${eta(e.etaSec)}${e.file ? `  ${e.file.length > 40 ? `…${e.file.slice(-39)}` : e.file}` : ''}`);
        progressShown = true;
        break;
      }
      case 'log':
        clear();
        out(io, `  [${e.step}] ${e.level}: ${e.path ? `${e.path}: ` : ''}${e.message}`);
        break;
      case 'step-end':
        clear();
        out(io, `  [${e.step}] ${e.status}: ${countsText(e.counts)}${e.message && e.status !== 'ok' ? ` — ${e.message}` : ''}`);
        break;
      case 'run-end':
        clear();
        out(io, `${e.task}: ${e.status} in ${humanDuration(e.durationMs)}${e.estimate ? (e.estimate.hasChanges ? ' (changes found)' : ' (nothing to do)') : ''}`);
        break;
      case 'notice':
        clear();
        out(io, `  ${e.level}: ${e.message}`);
        break;
      case 'tasks-changed':
        break;
    }
  };
}
