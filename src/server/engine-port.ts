// The part of the run engine (src/run/engine.ts) the web server calls. The server holds no
// engine logic of its own: every route is a thin call through this port, which is exactly a
// subset of the Engine the CLI uses (so the two can never drift apart).
import type { Engine } from '../run/index.js';

export type EnginePort = Pick<
  Engine,
  | 'close'
  | 'subscribe'
  | 'listTasks'
  | 'getTask'
  | 'addTask'
  | 'editTask'
  | 'removeTask'
  | 'connect'
  | 'disconnect'
  | 'taskCommand'
  | 'listRemotes'
  | 'addRemote'
  | 'removeRemote'
  | 'startRun'
  | 'waitRun'
  | 'abortRun'
  | 'listRuns'
  | 'getRun'
  | 'browse'
  | 'restore'
  | 'mapping'
  | 'verify'
  | 'loadDemo'
  | 'serverSnapshots'
  | 'serverBrowse'
  | 'serverRestore'
  | 'sshScan'
  | 'sshSetup'
>;
