// Renders sync engine events for the terminal: JSON lines (--json: every event, then a summary
// object), or text: the plan, per-file lines in a dry run (or with --verbose), warnings and errors
// on stderr, a one-line progress bar on a TTY and a plain progress line every few seconds
// otherwise. Generic over SyncEvent so task runs can reuse it. Never prints secrets.
import type { CliIo } from '../io.js';
import { out, err, jsonLine } from '../io.js';
import type { SyncEvent } from '../../sync/index.js';
import { displayName } from '../../crypt/index.js';
import { humanBytes } from '../../util/human-bytes.js';

/** non-TTY progress lines at most this often */
const PLAIN_PROGRESS_INTERVAL_MS = 5000;
const BAR_WIDTH = 24;

function formatEta(sec: number | null): string {
  if (sec === null) return '--';
  const m = Math.floor(sec / 60);
  return m > 0 ? `${m}m${String(sec % 60).padStart(2, '0')}s` : `${sec}s`;
}

const ACTION_WORDS: Record<string, [string, string]> = {
  new: ['would encrypt new', 'encrypted new'],
  update: ['would update', 'updated'],
  delete: ['would delete', 'deleted'],
  mkdir: ['would create folder', 'created folder'],
  rmdir: ['would remove folder', 'removed folder'],
  restore: ['would restore', 'restored'],
};

export interface SyncRenderOptions {
  json: boolean;
  dryRun: boolean;
  verbose?: boolean;
}

export interface SyncRenderer {
  onEvent(e: SyncEvent): void;
  /** call once at the end with the final object (printed as {type:'summary', ...} in JSON mode) */
  finish(summary: object, text: string[]): void;
}

export function createSyncRenderer(io: CliIo, o: SyncRenderOptions): SyncRenderer {
  const tty = io.stderr.isTTY === true && !o.json;
  let barShown = false;
  let lastPlain = Date.now();
  const clearBar = () => {
    if (barShown) {
      io.stderr.write('\r\x1b[K');
      barShown = false;
    }
  };
  return {
    onEvent(e) {
      if (o.json) {
        jsonLine(io, e);
        return;
      }
      switch (e.type) {
        case 'plan':
          clearBar();
          out(
            io,
            `${o.dryRun ? 'plan' : 'to do'}: ${e.newFiles} new, ${e.changedFiles} changed, ${e.deletedFiles} deleted files; ` +
              `${e.newDirs} new, ${e.deletedDirs} deleted folders; ${humanBytes(e.bytes)} to write; ${e.unchanged} unchanged`,
          );
          break;
        case 'file':
          if (o.dryRun || o.verbose) {
            clearBar();
            const words = ACTION_WORDS[e.action] ?? [e.action, e.action];
            // a restored file always shows its size (an empty file too): a dry run lists names and sizes
            const sized = e.bytes > 0 || e.action === 'restore';
            out(io, `${o.dryRun ? words[0] : words[1]}: ${displayName(e.path)}${sized ? ` (${humanBytes(e.bytes)})` : ''}`);
          }
          break;
        case 'warning':
        case 'error':
          clearBar();
          err(io, `${e.type}: ${e.path ? `${displayName(e.path)}: ` : ''}${e.message} (${e.code})`);
          break;
        case 'progress': {
          const frac = e.bytesTotal > 0 ? e.bytes / e.bytesTotal : e.filesTotal > 0 ? e.files / e.filesTotal : 1;
          const text = `${e.files}/${e.filesTotal} files, ${humanBytes(e.bytes)}/${humanBytes(e.bytesTotal)}, ${humanBytes(e.rateBps)}/s, eta ${formatEta(e.etaSec)}`;
          if (tty) {
            const fill = Math.round(frac * BAR_WIDTH);
            io.stderr.write(`\r\x1b[K[${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}] ${Math.round(frac * 100)}% ${text}`);
            barShown = true;
          } else if (Date.now() - lastPlain >= PLAIN_PROGRESS_INTERVAL_MS) {
            lastPlain = Date.now();
            err(io, `progress: ${text}`);
          }
          break;
        }
      }
    },
    finish(summary, text) {
      clearBar();
      if (o.json) jsonLine(io, { type: 'summary', ...summary });
      else for (const line of text) out(io, line);
    },
  };
}
