// The part of the run engine (src/run/engine.ts) the web server calls. The server holds no
// engine logic of its own: every route is a thin call through this port. It must never grow
// methods the CLI does not also use through the same Engine.
export type StepKind = 'encrypt' | 'rsync';
export type RunStatus = string;

export interface StepCounts {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  files: number;
  bytes: number;
}
export interface Estimate {
  at: string;
  steps: Array<{ step: StepKind; counts: StepCounts }>;
  hasChanges: boolean;
}

export type EngineEvent = { type: string; runId?: number; task?: string } & Record<string, unknown>;

export interface TaskViewLike {
  name: string;
  estimate: Estimate | null;
  running: number | null;
}

export interface RestoreOptions {
  paths?: string[];
  target?: string;
  dryRun?: boolean;
  overwrite?: boolean;
}

export interface AddRemoteInput {
  name: string;
  path: string;
  filenameEncryption?: string;
  filenameEncoding?: string;
  directoryNameEncryption?: boolean;
  password?: string;
  password2?: string;
  generatePassword?: boolean;
}

/** Structural view of `Engine`; the real class satisfies it. */
export interface EnginePort {
  close(): void;
  subscribe(fn: (e: EngineEvent) => void): () => void;
  listTasks(): TaskViewLike[];
  getTask(name: string): TaskViewLike;
  addTask(input: unknown): Promise<TaskViewLike>;
  editTask(name: string, patch: unknown): Promise<TaskViewLike>;
  removeTask(name: string): Promise<void>;
  connect(syncName: string, encryptName: string): Promise<void>;
  disconnect(syncName: string): Promise<void>;
  taskCommand(name: string): Array<{ step: StepKind; shell: string }>;
  listRemotes(): Promise<unknown[]>;
  addRemote(i: AddRemoteInput): Promise<{ remote: unknown; generatedPassword?: string }>;
  startRun(name: string, o?: { dryRun?: boolean }): { runId: number };
  waitRun(runId: number): Promise<{ status: RunStatus; exitCode: number }>;
  abortRun(runId: number): boolean;
  listRuns(f?: { task?: string; status?: RunStatus; limit?: number }): unknown[];
  getRun(id: number): unknown;
  browse(taskOrRemote: string, path?: string): Promise<unknown[]>;
  restore(taskOrRemote: string, o: RestoreOptions, onEvent?: (e: unknown) => void): Promise<{ target: string; summary: unknown }>;
  mapping(taskOrRemote: string): Promise<unknown[]>;
  verify(encryptTaskName: string): Promise<unknown>;
  loadDemo(): Promise<{ tasks: string[] }>;
}
