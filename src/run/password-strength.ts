// The strength rule for passwords a user picks for a crypt remote (password and password2): a
// real estimate (zxcvbn: dictionaries, keyboard patterns, dates, repeats), not a length rule. A
// weak password is refused unless the caller explicitly allows it; generated passwords never
// pass through here. Messages name the field, never the password.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { CryptsyncError } from '../util/errors.js';

/** zxcvbn score 0..4; 3 = "safely unguessable: moderate protection from offline attacks" */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/** zxcvbn's score (0..4) of `password`; the dictionaries load on first use. */
export function passwordScore(password: string): number {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password).score;
}

/**
 * Throws WEAK_PASSWORD (usage) for a password scoring below MIN_PASSWORD_SCORE, unless
 * `allowWeak`. `field` is what the message names ("password", "password2"); `override`, when
 * given, is the flag that lets the user insist (front ends without one offer a confirmation).
 */
export function checkPasswordStrength(field: string, password: string, o: { allowWeak?: boolean; override?: string }): void {
  if (o.allowWeak === true) return;
  const score = passwordScore(password);
  if (score >= MIN_PASSWORD_SCORE) return;
  throw new CryptsyncError(
    'usage',
    'WEAK_PASSWORD',
    `${field}: too easy to guess (strength ${score} of 4, at least ${MIN_PASSWORD_SCORE} needed); choose a longer one, ` +
      `generate one, or ${o.override === undefined ? 'confirm that you want' : `use ${o.override}`} to keep it anyway`,
    { subject: field },
  );
}
