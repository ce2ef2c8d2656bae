import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditional.js';
import { ReviewAlreadyCompletedError, ReviewTaskNotFoundError } from '../../review/index.js';
import type { PackSnapshot } from '../../review/index.js';
import type { ReviewStore } from '../../review/index.js';
import type { PackChange, ReviewTask, SignOff } from '../../review/index.js';

/**
 * Review tasks and pack snapshots in the single table:
 * - task: pk `REVIEW#<period>`, sk `TASK#<owner>`, gsi1pk `REVIEW`, gsi1sk `<dueAt>#<taskId>`;
 * - snapshot: pk `PACK#<version>`, sk `RULES`;
 * - who put a pack version in force: pk `PACK#<version>`, sk `CHANGE`.
 * Kept without TTL: they are the audit evidence of the review cycle.
 */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'itemType'] as const;

/** Splits `<period>/<owner>`; undefined when the id has another shape. */
export function parseTaskId(taskId: string): { period: string; owner: string } | undefined {
  const m = /^([\w-]+)\/([\w-]+)$/.exec(taskId);
  return m ? { period: m[1]!, owner: m[2]! } : undefined;
}

function taskKey(period: string, owner: string) {
  return { pk: `REVIEW#${period}`, sk: `TASK#${owner}` };
}

function strip<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
}

export class DynamoReviewStore implements ReviewStore {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async putTaskIfAbsent(task: ReviewTask): Promise<boolean> {
    const item = {
      ...taskKey(task.period, task.owner),
      gsi1pk: 'REVIEW',
      gsi1sk: `${task.dueAt}#${task.taskId}`,
      itemType: 'review-task',
      ...task,
    };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  public async getTask(taskId: string): Promise<ReviewTask | undefined> {
    const id = parseTaskId(taskId);
    if (!id) return undefined;
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: taskKey(id.period, id.owner), ConsistentRead: true }),
    );
    return res.Item ? strip<ReviewTask>(res.Item) : undefined;
  }

  public async listTasks(): Promise<ReviewTask[]> {
    const out: ReviewTask[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'REVIEW' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) out.push(strip<ReviewTask>(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** One conditional UpdateItem on an open task; false when the condition does not hold. */
  private async conditionalSet(
    taskId: string,
    set: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const id = parseTaskId(taskId);
    if (!id) return false;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: taskKey(id.period, id.owner),
          UpdateExpression: `SET ${set}`,
          ConditionExpression: `attribute_exists(pk) AND #status = :open AND ${condition}`,
          ExpressionAttributeNames: { '#status': 'status', ...names },
          ExpressionAttributeValues: { ':open': 'open', ...values },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  public recordReminder(taskId: string, key: string, at: string): Promise<boolean> {
    return this.conditionalSet(
      taskId,
      'reminders.#k = :at',
      'attribute_not_exists(reminders.#k)',
      { '#k': key },
      { ':at': at },
    );
  }

  public recordEscalation(taskId: string, at: string): Promise<boolean> {
    return this.conditionalSet(taskId, 'escalatedAt = :at', 'attribute_not_exists(escalatedAt)', {}, { ':at': at });
  }

  public async completeTask(taskId: string, s: SignOff): Promise<ReviewTask> {
    const id = parseTaskId(taskId);
    if (!id) throw new ReviewTaskNotFoundError(taskId);
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: taskKey(id.period, id.owner),
          UpdateExpression: `SET #status = :done, completedBy = :by, completedAt = :at, notes = :notes, decision = :decision, reviewedPackVersion = :pv${s.byName ? ', completedByName = :name' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':open': 'open',
            ':by': s.by,
            ':at': s.at,
            ':notes': s.notes,
            ':decision': s.decision,
            ':pv': s.packVersion,
            ...(s.byName ? { ':name': s.byName } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<ReviewTask>(res.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const task = await this.getTask(taskId);
      if (!task) throw new ReviewTaskNotFoundError(taskId, { cause: err });
      throw new ReviewAlreadyCompletedError(taskId, task.completedBy ?? 'unknown', task.completedAt ?? 'unknown', {
        cause: err,
      });
    }
  }

  public async putPackSnapshot(snapshot: PackSnapshot): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `PACK#${snapshot.version}`, sk: 'RULES', itemType: 'pack-snapshot', ...snapshot },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  public async getPackSnapshot(version: string): Promise<PackSnapshot | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `PACK#${version}`, sk: 'RULES' } }),
    );
    return res.Item ? strip<PackSnapshot>(res.Item) : undefined;
  }

  public async putPackChange(change: PackChange): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `PACK#${change.version}`, sk: 'CHANGE', itemType: 'pack-change', ...change },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  public async getPackChange(version: string): Promise<PackChange | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `PACK#${version}`, sk: 'CHANGE' }, ConsistentRead: true }),
    );
    return res.Item ? strip<PackChange>(res.Item) : undefined;
  }
}
