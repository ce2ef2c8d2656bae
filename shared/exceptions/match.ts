import { createHash } from 'node:crypto';
import type { ResourceRef } from '../sources/index.js';
import { globAny, globMatch } from '../kernel/index.js';
import { sameIdentity, type Actor } from '../kernel/index.js';
import { resourceGlobTooBroad } from './breadth.js';
import { DistinctApproverError, ExceptionNotPendingError, InvalidExceptionError } from './errors.js';
import {
  ExceptionStates,
  type ExceptionApproval,
  type ExceptionState,
  type NewException,
  type RiskException,
} from './types.js';

/**
 * The state of an exception at `at`: active until it expires or is revoked. It covers
 * observations from before its creation too (a late-delivered event of drift it accepts).
 * @example exceptionState(exc, '2027-05-01T00:00:00Z') // 'active'
 */
export function exceptionState(exc: RiskException, at: string): ExceptionState {
  const t = Date.parse(at);
  if (exc.revokedAt && Date.parse(exc.revokedAt) <= t) return ExceptionStates.revoked;
  if (Date.parse(exc.expiresAt) <= t) return ExceptionStates.expired;
  if (exc.status === 'pending') return ExceptionStates.pending;
  return ExceptionStates.active;
}

/** True when `exc` covers this rule and resource (rule id or glob; resource glob over id, name, ARN). */
export function exceptionCovers(
  exc: RiskException,
  ruleId: string,
  resource: Pick<ResourceRef, 'id' | 'name' | 'arn'>,
): boolean {
  return globMatch(exc.ruleId, ruleId) && globAny([resource.id, resource.name, resource.arn], [exc.resource]);
}

/**
 * The id of the exception in force for (rule, resource) at `at`, if any: the one expiring last,
 * so a suppressed record stays suppressed as long as any approval covers it.
 * @example matchException(exceptions, 'TPS-S3-02', { id: 'ml-training-legacy' }, '2027-05-01T00:00:00Z') // 'EX-1a2b3c4d'
 */
export function matchException(
  exceptions: readonly RiskException[],
  ruleId: string,
  resource: Pick<ResourceRef, 'id' | 'name' | 'arn'>,
  at: string,
): string | undefined {
  let best: RiskException | undefined;
  for (const exc of exceptions) {
    if (exceptionState(exc, at) !== ExceptionStates.active || !exceptionCovers(exc, ruleId, resource)) continue;
    if (!best || exc.expiresAt > best.expiresAt) best = exc;
  }
  return best?.exceptionId;
}

type RequiredText = 'ruleId' | 'resource' | 'reason' | 'approvedBy';

/**
 * Validates a request and builds the exception. The id is a hash of its content and creation
 * time, so the same request recorded twice at the same instant is one exception.
 * @example createException({ ruleId: 'TPS-S3-02', resource: 'ml-training-legacy', reason: 'migration', approvedBy: 'CISO', expiresAt: '2027-06-30T22:00:00Z' }, now, 365)
 */
export function createException(req: NewException, now: Date, maxDays: number): RiskException {
  const fields: [RequiredText, string][] = [
    ['ruleId', '--rule'],
    ['resource', '--resource'],
    ['reason', '--reason'],
    ['approvedBy', '--approved-by'],
  ];
  for (const [key, flag] of fields) {
    if (req[key].trim().length === 0) throw new InvalidExceptionError(flag, 'must not be empty');
  }
  const broad = resourceGlobTooBroad(req.resource);
  if (broad) throw new InvalidExceptionError('--resource', broad);
  const expires = Date.parse(req.expiresAt);
  if (Number.isNaN(expires)) throw new InvalidExceptionError('--expires', `not a date: ${req.expiresAt}`);
  if (expires <= now.getTime()) throw new InvalidExceptionError('--expires', `${req.expiresAt} is not in the future`);
  if (expires - now.getTime() > maxDays * 86_400_000)
    throw new InvalidExceptionError('--expires', `more than reviews.exceptionMaxDays (${maxDays}) days away`);
  if (req.requireApproval && !req.createdBy?.trim())
    throw new InvalidExceptionError('--by', 'required: four eyes need to know who adds the exception');
  const createdAt = now.toISOString();
  const hash = createHash('sha256')
    .update([req.ruleId, req.resource, req.approvedBy, req.expiresAt, createdAt].join('\0'))
    .digest('hex');
  return {
    exceptionId: `EX-${hash.slice(0, 8)}`,
    ruleId: req.ruleId.trim(),
    resource: req.resource.trim(),
    reason: req.reason.trim(),
    approvedBy: req.approvedBy.trim(),
    ...(req.createdBy?.trim() ? { createdBy: req.createdBy.trim() } : {}),
    ...(req.createdByName?.trim() ? { createdByName: req.createdByName.trim() } : {}),
    createdAt,
    expiresAt: new Date(expires).toISOString(),
    status: req.requireApproval ? 'pending' : 'active',
  };
}

/**
 * The approval of a pending exception by `approver` at `at`, checked: it must still be pending
 * and not expired, and (four eyes) the approver must not be the identity that added it.
 * @example const approval = approvalOf(exc, { id: 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/chris' }, now)
 */
export function approvalOf(exc: RiskException, approver: Actor, at: Date): ExceptionApproval {
  const state = exceptionState(exc, at.toISOString());
  if (state !== ExceptionStates.pending) throw new ExceptionNotPendingError(exc.exceptionId, state);
  if (!approver.id.trim() || (exc.createdBy !== undefined && sameIdentity(exc.createdBy, approver.id)))
    throw new DistinctApproverError(exc.exceptionId, approver.id);
  return { by: approver.id, ...(approver.name ? { name: approver.name } : {}), at: at.toISOString() };
}
