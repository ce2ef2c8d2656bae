import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReviewStore } from '../../../../shared/adapters/aws/dynamodb-review.js';
import type { LocalTable } from '../../../../shared/adapters/local/index.js';
import { openTestTable } from '../../../helpers/dynamodb.js';
import { ReviewAlreadyCompletedError, ReviewTaskNotFoundError } from '../../../../shared/review/index.js';
import type { ReviewTask } from '../../../../shared/review/index.js';

const TASK = JSON.parse(
  readFileSync(new URL('../../review/fixtures/task.json', import.meta.url), 'utf8'),
) as ReviewTask;

let table: LocalTable;
let store: DynamoReviewStore;

beforeAll(async () => {
  table = await openTestTable();
  store = new DynamoReviewStore(table.doc, table.tableName);
});
afterAll(async () => table.close());

/** A task of its own period, so that tests do not share items. */
function taskOf(period: string): ReviewTask {
  return { ...structuredClone(TASK), period, taskId: `${period}/reviewers` };
}

describe('Class: DynamoReviewStore', () => {
  it('creates a task once: a second put for the same period and owner changes nothing', async () => {
    // Prepare
    const task = taskOf('2031-Q1');

    // Act
    const first = await store.putTaskIfAbsent(task);
    const second = await store.putTaskIfAbsent({ ...task, dueAt: '2031-12-31T00:00:00.000Z' });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect((await store.getTask(task.taskId))?.dueAt).toBe(task.dueAt);
  });

  it('records each reminder at most once', async () => {
    // Prepare
    const task = taskOf('2031-Q2');
    await store.putTaskIfAbsent(task);

    // Act: two concurrent runs record the same reminder
    const results = await Promise.all([
      store.recordReminder(task.taskId, 'd14', '2031-04-17T06:00:00.000Z'),
      store.recordReminder(task.taskId, 'd14', '2031-04-17T06:00:01.000Z'),
    ]);
    const other = await store.recordReminder(task.taskId, 'd7', '2031-04-24T06:00:00.000Z');

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(other).toBe(true);
    expect(Object.keys((await store.getTask(task.taskId))!.reminders).sort()).toEqual(['d14', 'd7']);
  });

  it('records the escalation once and none after sign-off', async () => {
    // Prepare
    const task = taskOf('2031-Q3');
    const done = taskOf('2031-Q4');
    await store.putTaskIfAbsent(task);
    await store.putTaskIfAbsent(done);
    await store.completeTask(done.taskId, {
      by: 'Dana',
      at: '2031-10-05T10:00:00.000Z',
      notes: 'ok',
      decision: 'keep',
      packVersion: 'bbbbbbbbbbbb',
    });

    // Act
    const once = await store.recordEscalation(task.taskId, '2031-08-08T06:00:00.000Z');
    const twice = await store.recordEscalation(task.taskId, '2031-08-09T06:00:00.000Z');
    const afterSignOff = await store.recordReminder(done.taskId, 'd1', '2031-10-30T06:00:00.000Z');

    // Assess
    expect([once, twice, afterSignOff]).toEqual([true, false, false]);
    expect((await store.getTask(task.taskId))?.escalatedAt).toBe('2031-08-08T06:00:00.000Z');
  });

  it('signs off once, recording who, when, notes, decision and pack version', async () => {
    // Prepare
    const task = taskOf('2032-Q1');
    await store.putTaskIfAbsent(task);
    const signOff = {
      by: 'Dana Ruiz',
      at: '2032-01-20T10:00:00.000Z',
      notes: 'added TPS-S3-91',
      decision: 'update' as const,
      packVersion: 'cccccccccccc',
    };

    // Act
    const done = await store.completeTask(task.taskId, signOff);
    const again = store.completeTask(task.taskId, { ...signOff, by: 'Someone Else' });

    // Assess
    expect(done).toMatchObject({
      status: 'done',
      completedBy: 'Dana Ruiz',
      completedAt: signOff.at,
      notes: signOff.notes,
      decision: 'update',
      reviewedPackVersion: 'cccccccccccc',
    });
    await expect(again).rejects.toThrow(ReviewAlreadyCompletedError);
    await expect(store.completeTask('2099-Q1/nobody', signOff)).rejects.toThrow(ReviewTaskNotFoundError);
  });

  it('lists tasks through the index without key attributes', async () => {
    // Act
    const tasks = await store.listTasks();

    // Assess
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    expect(tasks[0]).not.toHaveProperty('pk');
    expect(tasks[0]).not.toHaveProperty('gsi1sk');
  });

  it('stores a pack snapshot once per version', async () => {
    // Prepare
    const snap = {
      version: 'dddddddddddd',
      takenAt: '2032-01-01T00:00:00.000Z',
      rules: { 'TPS-S3-90': { hash: 'h1', area: 's3', title: 't' } },
    };

    // Act
    const first = await store.putPackSnapshot(snap);
    const second = await store.putPackSnapshot({ ...snap, takenAt: '2032-02-01T00:00:00.000Z' });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.getPackSnapshot('dddddddddddd')).toEqual(snap);
    expect(await store.getPackSnapshot('eeeeeeeeeeee')).toBeUndefined();
  });

  it('records the display name beside a proven identity on sign-off', async () => {
    // Prepare
    const task = taskOf('2032-Q2');
    await store.putTaskIfAbsent(task);
    const dana = 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana';

    // Act
    const done = await store.completeTask(task.taskId, {
      by: dana,
      byName: 'Dana Ruiz',
      at: '2032-04-20T10:00:00.000Z',
      notes: 'ok',
      decision: 'keep',
      packVersion: 'cccccccccccc',
    });

    // Assess
    expect(done).toMatchObject({ completedBy: dana, completedByName: 'Dana Ruiz' });
  });

  it('keeps the first record of who put a pack version in force', async () => {
    // Prepare
    const change = {
      version: 'ffffffffffff',
      changedBy: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci',
      changedAt: '2032-03-31T12:00:00.000Z',
    };

    // Act
    const first = await store.putPackChange(change);
    const second = await store.putPackChange({ ...change, changedBy: 'someone-later' });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.getPackChange('ffffffffffff')).toEqual(change);
    expect(await store.getPackChange('000000000000')).toBeUndefined();
    expect(await store.getPackSnapshot('ffffffffffff')).toBeUndefined();
  });
});
