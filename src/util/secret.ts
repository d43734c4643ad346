// A secret value (password) that never prints: String(), JSON.stringify and util.inspect all
// show `**redacted**`. Read it with reveal() only where the value is really needed.
import { inspect } from 'node:util';

const REDACTED = '**redacted**';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}
