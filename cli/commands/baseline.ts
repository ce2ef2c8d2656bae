import type { Command } from 'commander';
import { type BaselineResult, runBaseline, type StateReader } from '../../shared/baseline/index.js';
import { DynamoBaselineRuns, loadBaselineReader, loadStackAdapters } from '../../shared/adapters/aws/index.js';
import { labelOfSnapshotPath, SnapshotFileReader } from '../../shared/adapters/local/index.js';
import { createExceptionMatcher } from '../../shared/exceptions/index.js';
import { batchHeadline } from '../../shared/notify/index.js';
import { createEvaluator } from '../../shared/policy/index.js';
import { Exit } from '../context.js';
import { CliError } from '../errors.js';
import { REVIEW_DISPLAY, type Store, storeOptions, type StoreOptions, withStore } from '../store.js';

interface BaselineOptions extends StoreOptions {
  from?: string[];
  aggregator?: string;
  concurrency?: string;
  quiet?: boolean;
}

/** One line per run record: what it covered, read and found. */
export function runLines(result: BaselineResult): string[] {
  return result.runs.map((r) => {
    const t = r.transitions;
    return [
      `baseline ${r.runId} of ${r.account}/${r.region} (${r.source}): ${r.covered.length} resource types, ${r.read} resources read, ${r.evaluated} evaluated, ${r.skipped} skipped (out of scope), ${r.unreadable} unreadable, ${r.durationMs} ms`,
      `  findings: ${r.findings} (${r.violations} violations, ${r.cannotEvaluate} could not be evaluated); drift: ${t.opened} opened, ${t.reopened} reopened, ${t.resolved} resolved, ${t.gone} gone, ${t.suppressed} suppressed`,
      ...r.unreadableSample
        .slice(0, 5)
        .map((u) => `  unreadable ${u.what}${u.resourceId ? ` ${u.resourceId}` : ''}: ${u.reason}`),
    ].join('\n');
  });
}

/** The AWS reader of a run from the CLI: the caller's credentials, against the account they resolve to. */
async function awsReader(
  store: Store,
  opts: BaselineOptions,
  concurrency: number,
): Promise<{ reader: StateReader; label: string }> {
  const { AwsStateReader, baselineClients } = await loadBaselineReader();
  let account = store.deployment?.account;
  let region = store.deployment?.region;
  if (!account || !region) {
    const { callerIdentity } = await loadStackAdapters();
    const me = await callerIdentity({});
    account = me.account;
    region = me.region;
  }
  const aggregator = opts.aggregator ?? store.config.baseline.aggregator;
  const clients = baselineClients({ region, ...(opts.profile ? { profile: opts.profile } : {}) });
  return {
    reader: new AwsStateReader({
      clients,
      account,
      region,
      concurrency,
      clock: store.clock,
      ...(aggregator ? { aggregator } : {}),
    }),
    label: aggregator ? `aggregator ${aggregator} (${account}/${region})` : `${account}/${region}`,
  };
}

async function baseline(opts: BaselineOptions, cmd: Command): Promise<number> {
  const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16))
    throw new CliError('--concurrency: a whole number from 1 to 16');
  const display = opts.quiet ? {} : { ...REVIEW_DISPLAY, onSummary: undefined };
  return withStore(
    opts,
    cmd,
    async (store) => {
      const files = opts.from ?? [];
      const { reader, label } =
        files.length > 0
          ? {
              reader: new SnapshotFileReader(files, (f, why) => process.stderr.write(`${f}: skipped: ${why}\n`)),
              label: labelOfSnapshotPath(files[0]!),
            }
          : await awsReader(store, opts, concurrency ?? store.config.baseline.concurrency);
      const result = await runBaseline({
        evaluator: createEvaluator(store.pack, store.config),
        store: store.drift,
        publisher: store.publisher,
        clock: store.clock,
        exceptions: createExceptionMatcher(store.deps.exceptions, store.clock),
        intake: 'baseline',
        reader,
        runs: new DynamoBaselineRuns(store.table.doc, store.table.tableName),
        summaries: store.summaries,
        trigger: files.length > 0 ? 'snapshot' : 'cli',
        ...(label ? { label } : {}),
        goneAfterMinutes: store.config.baseline.goneAfterMinutes,
        concurrency: concurrency ?? store.config.baseline.concurrency,
      });
      for (const line of runLines(result)) process.stdout.write(`${line}\n`);
      for (const s of result.summaries) process.stdout.write(`summary to ${s.owner}: ${batchHeadline(s)}\n`);
      if (result.runs.length === 0)
        process.stdout.write('baseline: nothing read (no resource type of the pack was found)\n');
      return result.runs.some((r) => r.unreadable > 0) ? Exit.findings : Exit.ok;
    },
    display,
  );
}

export function registerBaseline(program: Command): void {
  storeOptions(
    program
      .command('baseline')
      .description(
        'read the current state (AWS Config, SageMaker/Bedrock jobs in progress, or Config snapshot files) through the rules into the drift store: pre-existing drift, reconciliation of missed events',
      ),
  )
    .option('--from <paths...>', 'AWS Config snapshot files or folders instead of the account (no AWS call)')
    .option(
      '--aggregator <name>',
      'read the whole organization through this AWS Config aggregator (default: baseline.aggregator)',
    )
    .option('--concurrency <n>', 'requests in flight at once (default: baseline.concurrency)')
    .option('--quiet', 'no line per transition')
    .addHelpText(
      'after',
      "\nWithout --from it reads the account and region your AWS credentials resolve to (AWS_PROFILE, AWS_REGION),\nor with --stage/--region the account of the deployed stack, into that stack's table. Drift it opens is\nmarked origin: baseline and alerted as one summary per owner and channel.\nExit status: 0 done, 1 some resources could not be read, 2 usage error.\n\nExamples:\n  $ tpguard baseline --from events/baseline/\n  $ tpguard baseline --from AWSLogs/111122223333/Config/eu-west-1/2026/11/2/ConfigSnapshot/\n  $ AWS_PROFILE=audit AWS_REGION=eu-west-1 tpguard baseline\n  $ tpguard baseline --stage prod --region eu-west-1",
    )
    .action(async (opts: BaselineOptions, cmd: Command) => {
      process.exitCode = await baseline(opts, cmd);
    });
}
