import { DriftStatusError } from '../drift/index.js';
import { applyOperatorChange } from '../drift/index.js';
import type { DriftStore, Publisher } from '../drift/index.js';
import { Intents } from '../drift/index.js';
import type { DriftRecord, DriftTransition } from '../drift/index.js';
import type { Clock } from '../kernel/index.js';
import { matchException } from './match.js';
import type { RiskException } from './types.js';

/** Who the drift history says made the change. */
export const RECONCILER = 'review-reminder';

/** What one reconciliation changed. */
export interface ReconcileResult {
  /** Suppressed records whose exception expired or was revoked: open again. */
  reopened: DriftTransition[];
  /** Open records an active exception now covers. */
  suppressed: DriftTransition[];
}

interface Step {
  record: DriftRecord;
  kind: 'reopened' | 'suppressed';
  exceptionId?: string;
  reason: string;
}

function stepFor(record: DriftRecord, exceptions: readonly RiskException[], at: string): Step | undefined {
  const match = matchException(
    exceptions,
    record.ruleId,
    { id: record.resourceId, name: record.resourceId, arn: record.resourceArn },
    at,
  );
  if (record.status === 'open' && match)
    return { record, kind: 'suppressed', exceptionId: match, reason: `covered by exception ${match}` };
  if (record.status !== 'suppressed' || match) return undefined;
  const ended = exceptions.find((e) => e.exceptionId === record.exceptionId);
  const why =
    ended?.revokedAt && ended.revokedAt <= at
      ? `was revoked by ${ended.revokedBy ?? 'unknown'}`
      : ended
        ? 'expired'
        : 'no longer exists';
  return { record, kind: 'reopened', reason: `exception ${record.exceptionId ?? '(unknown)'} ${why}` };
}

/**
 * Brings drift records in line with the exceptions at the clock's time: a suppressed record no
 * active exception covers any more reopens (`reopened` transition: its owner is alerted again);
 * an open record an active exception now covers becomes suppressed. Each change is the drift
 * store's operator change (one conditional write, then history), published right after it.
 * Run by the daily job and after `exception add` / `exception revoke`.
 * @example const { reopened } = await reconcileExceptions({ drift, publisher, exceptions, clock })
 */
export async function reconcileExceptions(deps: {
  drift: DriftStore;
  publisher: Publisher;
  exceptions: readonly RiskException[];
  clock: Clock;
}): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const result: ReconcileResult = { reopened: [], suppressed: [] };
  for (const record of await deps.drift.queryRecords({ statuses: ['suppressed', 'open'] })) {
    const step = stepFor(record, deps.exceptions, now.toISOString());
    if (!step) continue;
    let t: DriftTransition | undefined;
    try {
      t = await applyOperatorChange(deps.drift, {
        driftId: record.driftId,
        intent: step.kind === 'reopened' ? Intents.violation : Intents.suppress,
        by: RECONCILER,
        reason: step.reason,
        onlyFrom: [record.status],
        now,
        ...(step.exceptionId ? { exceptionId: step.exceptionId } : {}),
      });
    } catch (err) {
      if (err instanceof DriftStatusError) continue; // changed meanwhile (a new observation, another run)
      throw err;
    }
    if (!t) continue;
    await deps.publisher.publish([t]);
    result[step.kind].push(t);
  }
  return result;
}
