import type { DriftStore, RecordFacts } from '../../../shared/drift/index.js';
import { driftIdOf } from '../../../shared/drift/index.js';
import { recordFinding } from '../../../shared/drift/index.js';
import { intentOf } from '../../../shared/drift/index.js';
import type { DriftTransition } from '../../../shared/drift/index.js';

let seq = 0;

/** Facts of a fresh (resource, rule), so tests share one table without interfering. */
export function freshFacts(owner = 'fraud'): RecordFacts {
  const resourceId = `ml-training-fraud-${process.pid}-${++seq}`;
  const key = {
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId,
    ruleId: 'TPS-SM-01',
  };
  return {
    ...key,
    driftId: driftIdOf(key),
    resourceArn: `arn:aws:s3:::${resourceId}`,
    title: 'Training job runs without network isolation',
    severity: 'high',
    area: 'sagemaker',
    owner,
    packVersion: 'pack-1',
  };
}

export type Step = 'violation' | 'fix';

/**
 * Records a history of observations through the real drift store (one minute apart) and returns
 * the transitions it published, in order: what the notifier receives from the bus.
 * `from` continues an earlier history (its number of steps).
 * @example await driveHistory(store, facts, ['violation', 'fix', 'violation']) // opened, resolved, reopened
 */
export async function driveHistory(
  store: DriftStore,
  facts: RecordFacts,
  steps: readonly Step[],
  from = 0,
): Promise<DriftTransition[]> {
  const out: DriftTransition[] = [];
  for (const [n, step] of steps.entries()) {
    const i = from + n;
    const verdict = step === 'violation' ? 'violation' : 'pass';
    const result = await recordFinding(
      store,
      {
        facts,
        intent: intentOf(verdict, true),
        verdict,
        eventId: `${facts.driftId}-e${i + 1}`,
        eventTime: `2026-11-02T10:${String(i + 1).padStart(2, '0')}:00.000Z`,
        source: 'cloudtrail',
        actor:
          step === 'fix'
            ? 'arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/run-9'
            : 'arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe',
      },
      '2026-11-02T12:00:00.000Z',
    );
    if (result.transition) out.push(result.transition);
  }
  return out;
}
