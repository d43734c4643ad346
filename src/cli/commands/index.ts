// Every top-level command of the CLI. Each module registers its own subcommands.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerTask } from './task.js';
import { registerRuns } from './runs.js';
import { registerDoctor } from './doctor.js';
import { registerImport } from './import-rsyncosx.js';
import { registerDemo } from './demo.js';
import { registerServe } from './serve.js';
import { registerRemote } from './remote.js';
import { registerDecode } from './decode.js';
import { registerCat } from './cat.js';
import { registerObscure } from './obscure.js';
import { registerEncrypt } from './encrypt.js';
import { registerRestore } from './restore.js';
import { registerMapping } from './mapping.js';
import { registerVerify } from './verify.js';

export type RegisterCommand = (program: Command, io: CliIo) => void;

export const COMMANDS: RegisterCommand[] = [registerTask, registerRuns, registerDoctor, registerImport, registerDemo, registerServe, registerRemote, registerDecode, registerCat, registerObscure, registerEncrypt, registerRestore, registerMapping, registerVerify];
