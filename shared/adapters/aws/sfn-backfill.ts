import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { AwsTarget } from './stack.js';

/**
 * The backfill state machine from the CLI (`npm run backfill`): start an execution, then follow
 * it (DescribeExecution) and its Distributed Map runs (ListMapRuns, DescribeMapRun). Loaded on
 * demand (`loadBackfillAdapters()`): no other command loads the Step Functions client.
 */

/** Items of a map run, as DescribeMapRun counts them. */
export interface MapRunCounts {
  label: string;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
}

/** Where an execution stands. */
export interface ExecutionProgress {
  status: string;
  /** The map runs started by the execution itself (the Prefixes map: one item per archive prefix). */
  mapRuns: MapRunCounts[];
  error?: string;
  cause?: string;
}

/** A Step Functions call that failed: one line. */
export class BackfillRunError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackfillRunError';
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const oneLine = (s: string | undefined) => (s ?? '').split('\n')[0]!.replace(CONTROL, ' ').slice(0, 300);

/** @example const sfn = new BackfillClient({ region: 'eu-west-1' }); await sfn.start(arn, name, input) */
export class BackfillClient {
  private readonly client: SFNClient;

  public constructor(target: AwsTarget, client?: SFNClient) {
    this.client =
      client ??
      new SFNClient({
        ...(target.region ? { region: target.region } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
      });
  }

  /** Starts an execution; its name makes a repeated start of the same run fail instead of running twice. */
  public async start(stateMachineArn: string, name: string, input: unknown): Promise<string> {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      if (!out.executionArn) throw new BackfillRunError('states:StartExecution returned no execution ARN');
      return out.executionArn;
    } catch (err) {
      if (err instanceof BackfillRunError) throw err;
      throw new BackfillRunError(
        `cannot start the backfill (states:StartExecution): ${oneLine((err as Error).name)}: ${oneLine((err as Error).message)}`,
        { cause: err },
      );
    }
  }

  /** The execution's status and the counts of its map runs. */
  public async progress(executionArn: string): Promise<ExecutionProgress> {
    try {
      const exec = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      const runs = await this.client.send(new ListMapRunsCommand({ executionArn }));
      const mapRuns: MapRunCounts[] = [];
      for (const r of runs.mapRuns ?? []) {
        if (!r.mapRunArn) continue;
        const run = await this.client.send(new DescribeMapRunCommand({ mapRunArn: r.mapRunArn }));
        const c = run.itemCounts;
        mapRuns.push({
          label: oneLine(r.mapRunArn.split(':').slice(-2, -1)[0]?.split('/').pop()),
          status: oneLine(run.status),
          total: c?.total ?? 0,
          succeeded: c?.succeeded ?? 0,
          failed: (c?.failed ?? 0) + (c?.timedOut ?? 0) + (c?.aborted ?? 0),
          running: c?.running ?? 0,
          pending: c?.pending ?? 0,
        });
      }
      const out: ExecutionProgress = { status: oneLine(exec.status), mapRuns };
      if (exec.error) out.error = oneLine(exec.error);
      if (exec.cause) out.cause = oneLine(exec.cause);
      return out;
    } catch (err) {
      throw new BackfillRunError(
        `cannot follow the backfill (states:DescribeExecution, ListMapRuns, DescribeMapRun): ${oneLine((err as Error).message)}`,
        { cause: err },
      );
    }
  }
}
