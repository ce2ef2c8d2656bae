import { isRecord } from '../../kernel/index.js';
import { globAny } from '../../kernel/index.js';

/**
 * True when the caller matches one of the globs, by its own ARN (an assumed-role session
 * `arn:aws:sts::…:assumed-role/Role/session`) or by the role behind the session
 * (`arn:aws:iam::…:role/Role`), so an approved list may name either.
 * @example callerMatches({ arn: 'arn:aws:sts::1:assumed-role/ci/run-7', sessionIssuerArn: 'arn:aws:iam::1:role/ci' }, ['arn:aws:iam::1:role/ci']) // true
 */
export function callerMatches(actor: unknown, globs: readonly unknown[]): boolean {
  if (!isRecord(actor)) return false;
  return globAny([actor.arn, actor.sessionIssuerArn], globs);
}
