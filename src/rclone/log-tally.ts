// Turns the events of one `rclone sync` into counts, for a real run and for a --dry-run (which
// logs only "Skipped ..." lines). Pure apart from the optional existsAtDest callback.
// Files are keyed by name, so rclone's retries (it runs the whole sync again after an error, and
// a dry run then logs every "Skipped copy" again) never count a file twice.
import type { RcloneFileAction, RcloneLogEvent, RcloneStats } from './json-log.js';

export interface RcloneCounts {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  /**
   * source files rclone looked at: compared pairs (rclone's checks less its deletions) plus new
   * files. After a retry rclone's checks include every attempt, so this can be too high then.
   */
  files: number;
  /** bytes sent, as rclone counts them (ciphertext on a crypt remote); a dry run: bytes that would be */
  bytes: number;
  /** renames done server-side ("Moved"), not in newFiles/deletedFiles */
  movedFiles: number;
  /** files whose only change was the modification time */
  mtimeOnly: number;
}

export interface RcloneLogError {
  message: string;
  /** the file or remote the error is about, as rclone names it */
  object?: string;
}

export interface RcloneTallyOptions {
  /**
   * A dry run's "Skipped copy" does not say whether the file exists at the destination; this
   * answers it (by the object's name as rclone logs it). Without it every dry-run copy is new.
   */
  existsAtDest?: (object: string) => boolean;
  /** distinct errors kept (default 20) */
  maxErrors?: number;
}

type Kind = 'new' | 'changed' | 'deleted';

export class RcloneLogTally {
  readonly #files = new Map<string, Kind>();
  /** dry run only: sizes of skipped copies */
  readonly #sizes = new Map<string, number>();
  readonly #moved = new Set<string>();
  readonly #mtime = new Set<string>();
  readonly #errors: RcloneLogError[] = [];
  readonly #errorKeys = new Set<string>();
  #stats: RcloneStats | null = null;
  #fatal: string | null = null;
  #retries = 0;
  #dryRun = false;
  constructor(private readonly o: RcloneTallyOptions = {}) {}

  add(e: RcloneLogEvent): void {
    switch (e.type) {
      case 'stats':
        this.#stats = e.stats;
        return;
      case 'file':
        this.#file(e.action, e.object, e.size);
        return;
      case 'retry':
        this.#retries = Math.max(this.#retries, e.attempt);
        return;
      case 'error':
        this.#error(e.message, e.object);
        return;
      case 'text':
        if (e.fatal) {
          this.#fatal = e.text;
          this.#error(e.text);
        }
        return;
      case 'notice':
        return;
    }
  }

  #file(action: RcloneFileAction, object: string, size: number | undefined): void {
    switch (action) {
      case 'new':
      case 'copied':
        if (!this.#files.has(object)) this.#files.set(object, 'new');
        return;
      case 'replaced':
        // a retry may copy again a file an earlier attempt created: it stays new
        if (this.#files.get(object) !== 'new') this.#files.set(object, 'changed');
        return;
      case 'deleted':
        this.#files.set(object, 'deleted');
        return;
      case 'moved':
        this.#moved.add(object);
        return;
      case 'mtime':
        this.#mtime.add(object);
        return;
      case 'skipped-copy':
        this.#dryRun = true;
        this.#files.set(object, this.o.existsAtDest?.(object) ? 'changed' : 'new');
        this.#sizes.set(object, size ?? 0);
        return;
      case 'skipped-delete':
        this.#dryRun = true;
        this.#files.set(object, 'deleted');
        return;
      case 'skipped-mtime':
        this.#dryRun = true;
        this.#mtime.add(object);
        return;
      case 'skipped-other':
        this.#dryRun = true;
        return;
    }
  }

  #error(message: string, object?: string): void {
    const key = `${object ?? ''}\0${message}`;
    if (this.#errorKeys.has(key) || this.#errors.length >= (this.o.maxErrors ?? 20)) return;
    this.#errorKeys.add(key);
    this.#errors.push(object === undefined ? { message } : { message, object });
  }

  counts(): RcloneCounts {
    let newFiles = 0;
    let changedFiles = 0;
    let deletedFiles = 0;
    for (const k of this.#files.values()) {
      if (k === 'new') newFiles++;
      else if (k === 'changed') changedFiles++;
      else deletedFiles++;
    }
    const s = this.#stats;
    let bytes = s?.bytes ?? 0;
    if (this.#dryRun) bytes = [...this.#sizes.values()].reduce((a, b) => a + b, 0);
    const pairs = s ? Math.max(0, s.checks - s.deletes) : 0;
    const files = Math.max(pairs + newFiles, newFiles + changedFiles + this.#mtime.size);
    return { newFiles, changedFiles, deletedFiles, files, bytes, movedFiles: this.#moved.size, mtimeOnly: this.#mtime.size };
  }

  /** the last stats line: after rclone exits, its final summary */
  get stats(): RcloneStats | null {
    return this.#stats;
  }

  /** distinct errors in the order they came, at most maxErrors */
  get errors(): readonly RcloneLogError[] {
    return this.#errors;
  }

  /** rclone's last word when it gave up ("Failed to sync: ..."), null otherwise */
  get fatal(): string | null {
    return this.#fatal;
  }

  /** how many attempts failed and were retried (0 when the first attempt finished) */
  get retries(): number {
    return this.#retries;
  }

  /** true once a "Skipped ... as --dry-run is set" line was seen */
  get dryRun(): boolean {
    return this.#dryRun;
  }
}
