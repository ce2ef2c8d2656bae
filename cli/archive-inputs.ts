import type { Command } from 'commander';
import {
  type ArchiveKind,
  ArchiveKinds,
  type ArchivePlan,
  type ArchiveSelection,
  ArchiveReadError,
  DEFAULT_READ_CONCURRENCY,
  isS3Url,
  MAX_READ_CONCURRENCY,
  parseS3Url,
  readArchive,
} from '../shared/backfill/index.js';
import { type ReadOptions, readInputs } from '../shared/events/index.js';
import type { IntakeResult } from '../shared/sources/index.js';
import { CliError } from './errors.js';
import { collectList } from './scan-filter.js';

/**
 * The inputs of `scan` and `replay`: files, folders and stdin as before, and `s3://bucket/prefix`
 * archives read through the S3 adapter (loaded only when an argument is an S3 URL).
 */

/**
 * The archive options of `scan` and `replay`. `--account` and `--region` are scan's row filters
 * (repeatable, comma-separated); with `--from` they also choose the account and region folders
 * listed, so an archive is narrowed before it is read, not after.
 */
export interface ArchiveOptions {
  from?: string;
  to?: string;
  account?: string[];
  region?: string[];
  kind?: string;
  concurrency?: string;
  profile?: string;
}

const KINDS = Object.values(ArchiveKinds) as string[];

/**
 * Adds the options that select and read `s3://` archives; `--account`/`--region` too unless the
 * command has them already (scan's filters).
 */
export function archiveOptions(cmd: Command): Command {
  const has = (flag: string) => cmd.options.some((o) => o.long === flag);
  if (!has('--account'))
    cmd.option(
      '--account <id>',
      's3:// archives: only these accounts (repeat, or comma-separated; with --from)',
      collectList,
    );
  if (!has('--region'))
    cmd.option(
      '--region <name>',
      's3:// archives: only these regions (repeat, or comma-separated; with --from)',
      collectList,
    );
  return cmd
    .option(
      '--from <yyyy-mm-dd>',
      's3:// archives: list only the date prefixes from this day (UTC); --account and --region choose the folders',
    )
    .option('--to <yyyy-mm-dd>', 's3:// archives: ... to this day, inclusive (default: today)')
    .option('--kind <kind>', `s3:// archives: the layout --from selects in: ${KINDS.join(', ')}`, 'cloudtrail')
    .option(
      '--concurrency <n>',
      `s3:// archives: objects read at once (1-${MAX_READ_CONCURRENCY})`,
      String(DEFAULT_READ_CONCURRENCY),
    )
    .option('--profile <name>', 's3:// archives: AWS profile (default: the AWS chain)');
}

/** The selection the options make, or undefined when they list the whole prefix. */
function selectionOf(opts: ArchiveOptions, today: string): ArchiveSelection | undefined {
  if (!KINDS.includes(opts.kind ?? 'cloudtrail')) throw new CliError(`--kind must be one of ${KINDS.join(', ')}`);
  if (opts.from === undefined) {
    if (opts.to !== undefined) throw new CliError('--to ends a date range: give --from');
    return undefined;
  }
  return {
    kind: (opts.kind ?? 'cloudtrail') as ArchiveKind,
    from: opts.from,
    to: opts.to ?? today,
    ...(opts.account?.length ? { accounts: opts.account } : {}),
    ...(opts.region?.length ? { regions: opts.region } : {}),
  };
}

function concurrencyOf(opts: ArchiveOptions): number {
  const raw = opts.concurrency ?? String(DEFAULT_READ_CONCURRENCY);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_READ_CONCURRENCY)
    throw new CliError(`--concurrency must be a whole number from 1 to ${MAX_READ_CONCURRENCY}`);
  return n;
}

/** What the caller hears about while archives are read. */
export interface InputEvents extends ReadOptions {
  /** What a date selection planned for an archive. */
  onPlan?: (url: string, plan: ArchivePlan) => void;
}

/**
 * The records of every argument in order: local paths through `readInputs`, `s3://` URLs through
 * `readArchive`. Checks every option and URL before reading anything; a listing that fails (no
 * such bucket, access denied on the bucket) is a one-line `CliError`.
 * @example for await (const r of openInputs(['s3://trail/AWSLogs/'], { from: '2026-11-01' }, {}, '2026-11-30')) ...
 */
export function openInputs(
  paths: readonly string[],
  opts: ArchiveOptions,
  events: InputEvents,
  today: string,
): AsyncGenerator<IntakeResult> {
  const urls = paths.filter(isS3Url);
  const selection = selectionOf(opts, today);
  const concurrency = concurrencyOf(opts);
  if (urls.length === 0 && (selection || opts.profile || opts.kind !== 'cloudtrail'))
    throw new CliError('--from, --to, --kind and --profile apply to s3:// arguments only');
  const locations = new Map(urls.map((u) => [u, parseS3Url(u)]));
  return (async function* () {
    let local: string[] = [];
    const flush = async function* () {
      if (local.length > 0) yield* readInputs(local, events);
      local = [];
    };
    const store = urls.length > 0 ? await s3Store(opts) : undefined;
    for (const path of paths) {
      const location = locations.get(path);
      if (!location || !store) {
        local.push(path);
        continue;
      }
      yield* flush();
      try {
        yield* readArchive(store, location, {
          concurrency,
          ...(selection ? { selection } : {}),
          onPlan: (plan) => events.onPlan?.(path, plan),
          onObject: (where) => events.onFile?.(where),
          onSkip: (where, reason) => events.onSkip?.(where, reason),
        });
      } catch (err) {
        if (err instanceof ArchiveReadError) throw new CliError(err.message, 2, { cause: err });
        throw err;
      }
    }
    yield* flush();
  })();
}

/** The S3 client of the AWS chain; a custom endpoint (`AWS_ENDPOINT_URL_S3`) is addressed path-style. */
async function s3Store(opts: ArchiveOptions) {
  // The aws adapters' door loads the DynamoDB client too: a scan of local files loads no SDK at all.
  const { loadS3Archive } = await import('../shared/adapters/aws/index.js');
  const { S3Archive } = await loadS3Archive();
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return new S3Archive({
    ...(opts.profile ? { profile: opts.profile } : {}),
    forcePathStyle: Boolean(endpoint),
  });
}
