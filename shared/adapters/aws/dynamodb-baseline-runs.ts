import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BaselineRun, BaselineRunStore } from '../../baseline/index.js';
import { GSI1 } from './table-definition.js';

/** Run records are audit evidence for the report: kept as long as drift history (400 days). */
const RUN_TTL_SECONDS = 400 * 86_400;

/** The partition of the baseline runs in gsi1, and the key of one run's record of an account and region. */
export const baselineKeys = {
  index: 'BASELINE',
  run: (r: Pick<BaselineRun, 'account' | 'region' | 'startedAt' | 'runId'>) => ({
    pk: `BASELINE#${r.account}#${r.region}`,
    sk: `RUN#${r.startedAt}#${r.runId}`,
  }),
};

/**
 * Baseline run records on the tpguard table: one item per run and account/region
 * (pk `BASELINE#<account>#<region>`, sk `RUN#<startedAt>#<runId>`), indexed in gsi1 under
 * `BASELINE` by start time so the report finds the runs of a period in one query.
 * @example await new DynamoBaselineRuns(doc, 'tpguard-prod').putRun(run)
 */
export class DynamoBaselineRuns implements BaselineRunStore {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async putRun(run: BaselineRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...baselineKeys.run(run),
          gsi1pk: baselineKeys.index,
          gsi1sk: `${run.startedAt}#${run.account}#${run.region}`,
          ...run,
          expiresAt: Math.floor(Date.parse(run.finishedAt) / 1000) + RUN_TTL_SECONDS,
        },
      }),
    );
  }

  public async listRuns(from: string, to: string): Promise<BaselineRun[]> {
    const runs: BaselineRun[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': baselineKeys.index, ':from': from, ':to': `${to}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, expiresAt: _ttl, ...run } = item;
        if ((run.startedAt as string) < to) runs.push(run as BaselineRun);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return runs;
  }
}
