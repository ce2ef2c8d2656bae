import type { Command } from 'commander';
import {
  type ExecutionProgress,
  loadBackfillAdapters,
  loadS3Archive,
  loadStackAdapters,
  stackNameFor,
} from '../../shared/adapters/aws/index.js';
import {
  addBatchLines,
  type ArchiveKind,
  ArchiveKinds,
  checkAccounts,
  checkRange,
  checkRegions,
  emptyRunSummary,
  runSummaryLines,
} from '../../shared/backfill/index.js';
import { describeError, TpguardError } from '../../shared/kernel/index.js';
import { safe } from '../terminal.js';
import { Exit } from '../context.js';
import { CliError } from '../errors.js';

/** How a run is split: this many prefixes at once, and the rest of `--concurrency` batches per prefix. */
export const PREFIX_CONCURRENCY = 5;

interface BackfillOptions {
  stage: string;
  region?: string;
  profile?: string;
  from: string;
  to: string;
  accounts?: string;
  regions?: string;
  kind: string;
  prefix: string;
  record?: boolean;
  concurrency: string;
  toleratedFailure: string;
  poll: string;
  wait: boolean;
}

/** The execution input the state machine reads (scripts/build-backfill.ts). */
export interface BackfillInput {
  kind: ArchiveKind;
  prefix: string;
  from: string;
  to: string;
  accounts: string[];
  regions: string[];
  record: boolean;
  prefixConcurrency: number;
  batchConcurrency: number;
  toleratedFailurePercentage: number;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function integer(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${option}: an integer from ${min} to ${max}`);
  return n;
}

/**
 * The state machine's input from the options: the selection (checked here, before anything
 * starts) and the concurrency split into prefixes x batches.
 * @example backfillInput({ from: '2026-10-01', to: '2026-12-31', concurrency: '50', ... })
 */
export function backfillInput(opts: BackfillOptions): BackfillInput {
  const kinds = Object.values(ArchiveKinds) as string[];
  if (!kinds.includes(opts.kind)) throw new CliError(`--kind must be one of ${kinds.join(', ')}`);
  const accounts = list(opts.accounts);
  const regions = list(opts.regions);
  try {
    checkRange({ from: opts.from, to: opts.to });
    checkAccounts(accounts);
    checkRegions(regions);
  } catch (err) {
    if (err instanceof TpguardError) throw new CliError(err.message, Exit.usage, { cause: err });
    throw err;
  }
  if (opts.prefix !== '' && !/^[\w!\-.*'()/]{1,512}$/.test(opts.prefix))
    throw new CliError("--prefix: an S3 key prefix (letters, digits and !-_.*'()/)");
  const concurrency = integer(opts.concurrency, '--concurrency', 1, 10_000);
  const prefixConcurrency = Math.min(PREFIX_CONCURRENCY, concurrency);
  return {
    kind: opts.kind as ArchiveKind,
    prefix: opts.prefix,
    from: opts.from,
    to: opts.to,
    accounts,
    regions,
    record: opts.record === true,
    prefixConcurrency,
    batchConcurrency: Math.max(1, Math.floor(concurrency / prefixConcurrency)),
    toleratedFailurePercentage: integer(opts.toleratedFailure, '--tolerated-failure', 0, 100),
  };
}

/** The execution's name: what it covers and when it started (a repeated start is refused by Step Functions). */
export function executionName(input: BackfillInput, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `backfill-${input.from.replaceAll('-', '')}-${input.to.replaceAll('-', '')}-${stamp}`;
}

/** One progress line: `RUNNING  prefixes 12/150 done, 1 failed, 5 running`. */
export function progressLine(p: ExecutionProgress): string {
  const runs = p.mapRuns.map(
    (r) =>
      `${r.label.toLowerCase()} ${r.succeeded + r.failed}/${r.total} done, ${r.failed} failed, ${r.running} running`,
  );
  return `${p.status.padEnd(9)} ${runs.length > 0 ? runs.join('; ') : 'planning'}`;
}

/** What the command needs from outside: clock, sleep and output (tests pass their own). */
export interface BackfillIo {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  out: NodeJS.WritableStream;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** Starts a backfill on the deployed stack, prints its ARN, follows it to its end; returns the exit status. */
/**
 * The run's totals and transitions per owner, from the batch lines of its SUCCEEDED result objects;
 * one line saying why when they cannot be read (the run itself is not failed for it).
 */
async function resultSummary(bucket: string, prefix: string, target: { region?: string; profile?: string }) {
  try {
    const { S3Archive } = await loadS3Archive();
    const s3 = new S3Archive(target);
    const summary = emptyRunSummary();
    for await (const o of s3.list(bucket, prefix)) {
      if (!o.key.includes('/SUCCEEDED_')) continue;
      addBatchLines(
        summary,
        Buffer.from(await s3.read(bucket, o.key))
          .toString('utf8')
          .split('\n'),
      );
    }
    return runSummaryLines(summary);
  } catch (err) {
    return [`results not summarized: ${describeError(err)}`];
  }
}

export async function runBackfill(opts: BackfillOptions, io: BackfillIo): Promise<number> {
  if (!/^[a-zA-Z0-9-]{1,64}$/.test(opts.stage))
    throw new CliError('--stage: letters, digits and hyphens only (the stack is tpguard-<stage>)');
  const input = backfillInput(opts);
  const pollMs = integer(opts.poll, '--poll', 1, 3600) * 1000;
  const target = {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  const { describeStack } = await loadStackAdapters();
  const stack = await describeStack(stackNameFor(opts.stage), target);
  if (!stack.backfillStateMachineArn || !stack.backfillResultsBucket)
    throw new CliError(`stack ${stack.stackName} has no backfill state machine: deploy this version first`);
  if (!stack.archiveBucket)
    throw new CliError(
      `stack ${stack.stackName} reads no archive: deploy with --param archiveBucket=<your CloudTrail/Config bucket>`,
    );
  const { BackfillClient } = await loadBackfillAdapters();
  const sfn = new BackfillClient(target);
  const name = executionName(input, io.now());
  const arn = await sfn.start(stack.backfillStateMachineArn, name, input);
  const results = `s3://${stack.backfillResultsBucket}/backfill/${name}/`;
  io.out.write(`started ${arn}\n`);
  io.out.write(
    `  s3://${stack.archiveBucket}/${input.prefix}, ${input.kind} ${input.from}..${input.to}, ${input.accounts.length > 0 ? input.accounts.join(',') : 'every account'}, ${input.regions.length > 0 ? input.regions.join(',') : 'every region'}${input.record ? ', recorded as drift' : ''}; at most ${input.prefixConcurrency * input.batchConcurrency} batches at once\n`,
  );
  if (!opts.wait) {
    io.out.write(`results: ${results}\n`);
    return Exit.ok;
  }
  let last = '';
  for (;;) {
    const p = await sfn.progress(arn);
    const line = progressLine(p);
    if (line !== last) io.out.write(`${line}\n`);
    last = line;
    if (TERMINAL.has(p.status)) {
      io.out.write(`results: ${results}verdicts/ (JSON lines: violations, and one {"batch": ...} line per batch)\n`);
      for (const line of await resultSummary(stack.backfillResultsBucket, `backfill/${name}/verdicts/`, target))
        io.out.write(`  ${safe(line)}\n`);
      if (p.status === 'SUCCEEDED') return Exit.ok;
      io.out.write(`backfill ${p.status.toLowerCase()}: ${p.error ?? ''}${p.cause ? `: ${p.cause}` : ''}\n`);
      return Exit.usage;
    }
    await io.sleep(pollMs);
  }
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('scan the CloudTrail/Config archive of a date range on the deployed backfill state machine')
    .requiredOption('--stage <stage>', 'deployed stack tpguard-<stage> (its state machine and archive)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (UTC)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (UTC, included)')
    .option('--region <region>', 'AWS region of the stack (default: AWS_REGION or the profile)')
    .option('--profile <name>', 'AWS profile (default: the standard chain)')
    .option('--accounts <ids>', 'comma-separated account ids (default: every account folder of the archive)')
    .option('--regions <names>', 'comma-separated regions (default: every region folder)')
    .option('--kind <kind>', `archive: ${Object.values(ArchiveKinds).join(', ')}`, ArchiveKinds.cloudtrail)
    .option('--prefix <prefix>', "the trail's S3 key prefix, before AWSLogs/", '')
    .option('--record', 'feed what the rules judge through the ingest path: drift and history are recorded')
    .option('--concurrency <n>', 'most batches scanned at once (the worker reserved concurrency caps it)', '50')
    .option('--tolerated-failure <percent>', 'failed prefixes or batches tolerated before the run fails', '5')
    .option('--poll <seconds>', 'seconds between progress lines', '15')
    .option('--no-wait', 'print the execution ARN and where the results go, and return')
    .addHelpText(
      'after',
      '\nExit status: 0 the backfill succeeded, 2 usage error or the backfill failed.\n\nExamples:\n  $ npm run backfill -- --stage prod --from 2026-10-01 --to 2026-12-31\n  $ npx tpguard backfill --stage prod --region eu-west-1 --from 2026-11-01 --to 2026-11-30 --accounts 111122223333 --record',
    )
    .action(async (opts: BackfillOptions) => {
      process.exitCode = await runBackfill(opts, {
        now: () => new Date(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        out: process.stdout,
      });
    });
}
