import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReviewStore } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { loadConfig, type TpguardConfig } from '../../../shared/config/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { completeReview, recordPackChange } from '../../../shared/review/cycle.js';
import { DistinctReviewerError, UnknownPackChangeError } from '../../../shared/review/errors.js';
import { snapshotPack } from '../../../shared/review/pack-snapshot.js';
import type { ReviewTask } from '../../../shared/review/types.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const TASK = JSON.parse(readFileSync(`${FIXTURES}task.json`, 'utf8')) as ReviewTask;
const DEPLOYER = 'arn:aws:sts::111122223333:assumed-role/Deployer/ci';
const DANA = 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana';

let table: LocalTable;
let store: DynamoReviewStore;
let pack: PolicyPack;
let fourEyes: TpguardConfig;
let plain: TpguardConfig;
const clock = fixedClock('2027-04-20T10:00:00Z');

beforeAll(async () => {
  table = await openTestTable();
  store = new DynamoReviewStore(table.doc, table.tableName);
  pack = await loadPolicyPack(`${FIXTURES}pack/policies`);
  plain = await loadConfig(`${FIXTURES}pack/tpguard.config.yaml`);
  fourEyes = structuredClone(plain);
  fourEyes.reviews!.requireDistinctApprover = true;
});
afterAll(async () => table.close());

async function openTask(period: string): Promise<string> {
  const task = { ...structuredClone(TASK), period, taskId: `${period}/reviewers`, status: 'open' as const };
  await store.putTaskIfAbsent(task);
  return task.taskId;
}

const signOff = (taskId: string, by: string) => ({ taskId, by, notes: 'ok', decision: 'keep' as const });

describe('Function: completeReview (four eyes: reviews.requireDistinctApprover)', () => {
  it('refuses a sign-off while nobody recorded who put the pack in force', async () => {
    // Prepare
    const id = await openTask('2041-Q1');

    // Act
    const act = completeReview({ store, pack, clock, config: fourEyes }, signOff(id, DANA));

    // Assess
    await expect(act).rejects.toThrow(UnknownPackChangeError);
    expect((await store.getTask(id))?.status).toBe('open');
  });

  it('refuses the identity that recorded the pack, and records another', async () => {
    // Prepare
    const id = await openTask('2041-Q2');
    const recorded = await recordPackChange({ store, pack, clock }, { id: DEPLOYER, name: 'CI' }, 'stack tpguard-prod');

    // Act
    const self = completeReview({ store, pack, clock, config: fourEyes }, signOff(id, DEPLOYER));
    await expect(self).rejects.toThrow(DistinctReviewerError);
    const done = await completeReview(
      { store, pack, clock, config: fourEyes },
      { ...signOff(id, DANA), byName: 'Dana Ruiz' },
    );

    // Assess
    expect(recorded).toMatchObject({ recorded: true, change: { changedBy: DEPLOYER, changedByName: 'CI' } });
    expect(done).toMatchObject({ status: 'done', completedBy: DANA, completedByName: 'Dana Ruiz' });
  });

  it('keeps the first record of a pack version: recording it again changes nothing', async () => {
    // Act
    const again = await recordPackChange({ store, pack, clock }, { id: DANA }, 'stack tpguard-prod');

    // Assess
    expect(again).toMatchObject({ recorded: false, change: { changedBy: DEPLOYER } });
  });

  it('lets anyone sign off when four eyes are off, as before', async () => {
    // Prepare
    const id = await openTask('2041-Q3');

    // Act
    const done = await completeReview({ store, pack, clock, config: plain }, signOff(id, DEPLOYER));

    // Assess
    expect(done.completedBy).toBe(DEPLOYER);
  });

  it('does not write the pack snapshot again when its version has one (a reviewer may only update tasks)', async () => {
    // Prepare
    const id = await openTask('2041-Q4');
    await store.putPackSnapshot(snapshotPack(pack, '2041-10-01T00:00:00.000Z'));
    const writes: string[] = [];
    const watched = Object.assign(Object.create(store) as DynamoReviewStore, {
      putPackSnapshot: async (...args: Parameters<DynamoReviewStore['putPackSnapshot']>) => {
        writes.push(args[0].version);
        return store.putPackSnapshot(...args);
      },
    });

    // Act
    await completeReview({ store: watched, pack, clock, config: plain }, signOff(id, DANA));

    // Assess
    expect(writes).toEqual([]);
  });
});
