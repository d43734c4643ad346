// The one table of task types: which step each runs, whether it pushes a local folder (and so
// can be connected to an encrypt task, running as one combined task: encrypt, then push), and
// whether it mirrors deletions by default. Every layer that needs to tell task types apart reads
// this table instead of listing type names.
import type { StepKind, TaskType } from '../util/vocabulary.js';
import type { PushTask, Task } from './task-schema.js';

export interface TaskTypeInfo {
  /** the step a task of this type runs (the driver in run/steps/) */
  step: StepKind;
  /** pushes its local source somewhere; may be connected to an encrypt task */
  push: boolean;
  /** words for help texts and the web UI */
  summary: string;
}

export const TASK_TYPE_INFO: Readonly<Record<TaskType, TaskTypeInfo>> = {
  encrypt: { step: 'encrypt', push: false, summary: 'plain folder → crypt remote (the encrypted catalog)' },
  synchronize: { step: 'rsync', push: true, summary: 'rsync push: local folder → [user@]host:path or a local path' },
  snapshot: { step: 'rsync', push: true, summary: 'rsync push into a new dated snapshot folder per run (hard links to the previous one)' },
  syncremote: { step: 'rsync', push: false, summary: 'rsync pull: [user@]host:path → local folder' },
  cloud: { step: 'cloud', push: true, summary: 'rclone push: local folder → any rclone remote (REMOTE:path)' },
};

export function isPushTask(t: Task): t is PushTask {
  return TASK_TYPE_INFO[t.type].push;
}

/** A push task connected to an encrypt task runs as one combined task. */
export function isCombined(t: Task): boolean {
  return isPushTask(t) && t.connectedTo !== undefined;
}

/** the task types that push (and so can be connected), in table order */
export const PUSH_TYPES: readonly TaskType[] = (Object.keys(TASK_TYPE_INFO) as TaskType[]).filter((t) => TASK_TYPE_INFO[t].push);
