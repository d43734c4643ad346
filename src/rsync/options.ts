// The shape of one rsync invocation as cryptsync sees it, independent of how a task is stored.
// The task layer maps a saved task to RsyncOptions; buildRsyncArgs turns it into argv.
// This module holds only types and defaults: it must never touch the file system or spawn.

/** The remote side of a transfer: the destination for a push, the source for a pull. */
export interface RsyncRemote {
  host: string;
  user?: string;
  /** path on the server; for a daemon, `module/path` */
  path: string;
  /** true: rsync daemon (`host::module/path`), no ssh */
  daemon?: boolean;
  /** rsync daemon TCP port (--port=N) when not 873; for ssh use RsyncOptions.sshPort */
  port?: number;
}

export interface RsyncOptions {
  /** push: local source -> dest (local or remote); pull (syncremote): remote source -> local dest */
  mode: 'push' | 'pull';
  /** local paths; the side that is remote is taken from `remote` and this field is ignored */
  source: string;
  dest: string;
  /** absent = local-to-local */
  remote?: RsyncRemote;
  sshPort?: number;
  sshKey?: string;
  /** 'KEY=VALUE' items, each passed to ssh as `-o KEY=VALUE` */
  sshOptions?: string[];
  /** default true */
  archive?: boolean;
  /** default true */
  verbose?: boolean;
  /** default false: the files cryptsync pushes are ciphertext, which does not compress */
  compress?: boolean;
  /** default true (RsyncOSX default) */
  delete?: boolean;
  /** --protect-args: remote paths with spaces on rsync < 3.2.4 */
  protectArgs?: boolean;
  /** user flags, checked with validateExtraFlags first */
  extraFlags?: string[];
  excludes?: string[];
  maxDelete?: number;
  /** snapshot tasks: --link-dest=<previous snapshot> */
  linkDest?: string;
  /**
   * --partial-dir=DIR (relative: inside the destination): an interrupted file is kept there and the
   * next run resumes it, and it never appears under its real name half-written. Not on dry runs.
   */
  partialDir?: string;
  dryRun?: boolean;
  /** --itemize-changes, default true: lets estimates tell new from changed from deleted */
  itemize?: boolean;
  /** default true */
  stats?: boolean;
  /** default true when not a dry run; 'per-file' uses --progress instead of --info=progress2 */
  progress?: boolean | 'overall' | 'per-file';
}
