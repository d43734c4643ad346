// Messages between the sync engine and its transfer workers. Plain data only (structured clone):
// keys travel once at start-up in the init message and never appear in jobs or results. Paths may
// be raw-byte strings (names that are not UTF-8, crypt/names-on-disk.ts): structured clone keeps
// their lone surrogates, and transfer-ops.ts turns them back into the exact bytes.
import type { DerivedKeys, CipherSettings } from '../crypt/index.js';

export interface WorkerInit {
  keys: DerivedKeys;
  options: CipherSettings;
}

/** encrypt a plain file into `dst` (atomically and durably, via a temporary name in dst's folder) */
export interface EncryptJob {
  kind: 'encrypt';
  src: string;
  dst: string;
  size: number;
  mtimeNs: string;
}

/** decrypt an encrypted file into `dst` (atomically); `name` is used in error messages */
export interface DecryptJob {
  kind: 'decrypt';
  src: string;
  dst: string;
  name: string;
  size: number;
  mtimeNs: string;
}

/** re-encrypt `plain` with the nonce of `enc` and compare byte for byte (rclone cryptcheck) */
export interface VerifyJob {
  kind: 'verify';
  plain: string;
  enc: string;
  name: string;
}

/** move a finished temporary file, already flushed to disk, to its real name (durable-commit.ts) */
export interface RenameJob {
  kind: 'rename';
  tmp: string;
  dst: string;
}

export type TransferJob = EncryptJob | DecryptJob | VerifyJob | RenameJob;

export type TransferResult =
  /**
   * `tmp`: the finished file (contents and mtime) still waits under this temporary name, not
   * yet flushed to disk; the pool renames it to the job's `dst` after a flush (durable-commit.ts)
   */
  | { ok: true; bytes: number; same?: boolean; tmp?: string }
  | { ok: false; code: string; message: string };

export interface BatchRequest {
  id: number;
  jobs: TransferJob[];
}

export interface BatchReply {
  id: number;
  results: TransferResult[];
}

/** posted once by a transfer worker when it can take batches */
export interface WorkerReady {
  ready: true;
}
