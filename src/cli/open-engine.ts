// Opens the engine for one CLI command (the profile from --profile) and always closes it.
import { Engine } from '../run/index.js';
import type { CliIo } from './io.js';

export async function withEngine<T>(io: CliIo, o: { profile?: string }, fn: (e: Engine) => Promise<T>): Promise<T> {
  const engine = Engine.open({ env: io.env, ...(o.profile ? { profile: o.profile } : {}) });
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}
