import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { type BaselineDeps, type BaselineRun, runBaseline } from '../../baseline/index.js';
import { createExceptionMatcher } from '../../exceptions/index.js';
import { isRecord, systemClock } from '../../kernel/index.js';
import { createEvaluator } from '../../policy/index.js';
import {
  DynamoBaselineRuns,
  DynamoDriftStore,
  DynamoExceptionStore,
  documentClient,
  EventBridgePublisher,
  eventBridgeSummaries,
  loadBaselineReader,
} from '../aws/index.js';
import { EnvVars, requireEnv } from './env.js';
import type { FunctionSpec } from './handler.js';

/** What the baseline function builds once per container: everything but the reader (it needs the account). */
export type BaselineRuntime = Omit<BaselineDeps, 'reader' | 'trigger' | 'label'> & {
  region: string;
  aggregator?: string;
};

/** The dependencies of one invocation: the reader of the function's own account and region. */
export type BaselineFunctionDeps = BaselineDeps;

/** What one run did, per account and region (the run records), and the summaries sent. */
export interface BaselineResponse {
  runId: string;
  runs: Pick<
    BaselineRun,
    'account' | 'region' | 'read' | 'evaluated' | 'skipped' | 'unreadable' | 'durationMs' | 'transitions'
  >[];
  summaries: string[];
}

/**
 * Runs one baseline (EventBridge Scheduler weekly, or `npm run baseline` on demand). The event may
 * say `{"trigger": "..."}`; everything else comes from the packaged configuration. Store and
 * publish failures throw (the run is idempotent: a retry records nothing twice).
 */
export async function baselineLambdaHandler(_event: unknown, deps: BaselineFunctionDeps): Promise<BaselineResponse> {
  const result = await runBaseline(deps);
  return {
    runId: result.batch.batchId,
    runs: result.runs.map((r) => ({
      account: r.account,
      region: r.region,
      read: r.read,
      evaluated: r.evaluated,
      skipped: r.skipped,
      unreadable: r.unreadable,
      durationMs: r.durationMs,
      transitions: r.transitions,
    })),
    summaries: result.summaries.map((s) => s.owner),
  };
}

/** The `trigger` an invocation names (`{"trigger": "on-demand"}`): a short lower-case word, else none. */
function triggerOf(event: unknown): string | undefined {
  const t = isRecord(event) ? event.trigger : undefined;
  return typeof t === 'string' && /^[a-z][a-z-]{0,31}$/.test(t) ? t : undefined;
}

/** The account a function runs in, from its invocation ARN. */
function accountOf(context: Context): string {
  const account = context.invokedFunctionArn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : 'unknown';
}

/** The baseline function: the ingest path fed by AWS Config and the SageMaker/Bedrock describes. */
export function baselineFunction(): FunctionSpec<BaselineRuntime, unknown, BaselineFunctionDeps, BaselineResponse> {
  return {
    service: 'tpguard-baseline',
    requires: [EnvVars.table, EnvVars.busName, 'AWS_REGION'],
    init: ({ env, config, pack, telemetry }) => {
      const tableName = requireEnv(EnvVars.table, env);
      const doc = documentClient();
      const bus = new EventBridgePublisher(new EventBridgeClient({}), { busName: requireEnv(EnvVars.busName, env) });
      return {
        region: requireEnv('AWS_REGION', env),
        ...(config.baseline.aggregator ? { aggregator: config.baseline.aggregator } : {}),
        evaluator: createEvaluator(pack, config),
        store: new DynamoDriftStore(doc, { tableName }),
        exceptions: createExceptionMatcher(new DynamoExceptionStore(doc, tableName), systemClock),
        publisher: bus,
        summaries: eventBridgeSummaries(bus),
        runs: new DynamoBaselineRuns(doc, tableName),
        clock: systemClock,
        telemetry,
        intake: 'baseline',
        goneAfterMinutes: config.baseline.goneAfterMinutes,
        concurrency: config.baseline.concurrency,
      };
    },
    deps: (rt, context) => {
      const account = accountOf(context);
      const { region, aggregator, ...deps } = rt;
      // Built per invocation (cheap): the account comes from the invocation's ARN.
      const reader = lazyReader({ account, region, aggregator, concurrency: rt.concurrency ?? 4 });
      return {
        ...deps,
        reader,
        trigger: 'schedule',
        label: aggregator ? `aggregator ${aggregator}` : `${account}/${region}`,
      };
    },
    lambdaHandler: (event, deps) =>
      baselineLambdaHandler(event, {
        ...deps,
        trigger: triggerOf(event) ?? deps.trigger,
      }),
  };
}

/** The AWS reader, its SDK clients loaded on first read. */
function lazyReader(o: {
  account: string;
  region: string;
  aggregator?: string;
  concurrency: number;
}): BaselineDeps['reader'] {
  return {
    source: o.aggregator ? `config-aggregator:${o.aggregator}` : 'config',
    async *read(plan, wanted) {
      const { AwsStateReader, baselineClients } = await loadBaselineReader();
      const reader = new AwsStateReader({
        clients: baselineClients({ region: o.region }),
        account: o.account,
        region: o.region,
        concurrency: o.concurrency,
        clock: systemClock,
        ...(o.aggregator ? { aggregator: o.aggregator } : {}),
      });
      yield* reader.read(plan, wanted);
    },
  };
}
