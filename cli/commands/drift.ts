import type { Command } from 'commander';
import { DriftError } from '../../shared/drift/index.js';
import { isDriftId } from '../../shared/drift/index.js';
import { resolveManually } from '../../shared/drift/index.js';
import type { DriftRecord, DriftStatus, DriftTransition } from '../../shared/drift/index.js';
import { renderTable } from '../table.js';
import { Exit } from '../context.js';
import { CliError } from '../errors.js';
import { tpguardCommand } from '../invocation.js';
import { labelOf, storeOptions, withStore, type StoreOptions } from '../store.js';
import { bySeverityThenRecent, transitionLine } from './replay.js';
import { safeJson } from '../terminal.js';

/** The statuses `drift list` can show (`compliant` records are not drift). */
const LISTABLE = ['open', 'suppressed', 'resolved'] as const satisfies readonly DriftStatus[];
const FORMATS = ['table', 'json'] as const;

interface ListOptions extends StoreOptions {
  status: string;
  all?: boolean;
  format: string;
}

const day = (iso?: string) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

/** The drift table: severity first, then rule, resource, owner, status, since, occurrences, id. */
export function driftTable(records: readonly DriftRecord[]): string {
  return renderTable(
    ['SEVERITY', 'RULE', 'RESOURCE', 'OWNER', 'STATUS', 'SINCE', 'EVENTS', 'DRIFT ID'],
    records.map((r) => [
      r.severity,
      r.ruleId,
      `${r.resourceType}/${r.resourceId}`,
      r.owner ?? 'default',
      r.status,
      day(r.openedAt ?? r.firstSeen),
      String(r.occurrences),
      r.driftId,
    ]),
    48,
  );
}

async function list(opts: ListOptions, cmd: Command): Promise<void> {
  if (!FORMATS.includes(opts.format as (typeof FORMATS)[number]))
    throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
  if (!opts.all && !LISTABLE.includes(opts.status as (typeof LISTABLE)[number]))
    throw new CliError(`--status must be one of ${LISTABLE.join(', ')}`);
  const statuses: DriftStatus[] = opts.all ? [...LISTABLE] : [opts.status as DriftStatus];
  await withStore(opts, cmd, async (store) => {
    const records = (await store.drift.queryRecords({ statuses })).sort(bySeverityThenRecent);
    if (opts.format === 'json') process.stdout.write(`${safeJson(records, 2)}\n`);
    else
      process.stdout.write(
        records.length === 0
          ? `no ${statuses.join('/')} drift\n`
          : `${driftTable(records)}\n\n${records.length} ${statuses.join('/')} drift record(s)\n`,
      );
  });
}

async function show(driftId: string, opts: StoreOptions, cmd: Command): Promise<void> {
  if (!isDriftId(driftId)) throw new CliError(`not a drift id: ${driftId} (ids look like d-5f0c1e2a3b4c5d6e7f80)`);
  await withStore(opts, cmd, async (store) => {
    const record = await store.drift.getRecord(driftId);
    if (!record) throw new CliError(`no drift record ${driftId} (see: ${tpguardCommand()} drift list --all)`);
    const history = await store.drift.listHistory(driftId);
    process.stdout.write(`${safeJson({ record, history }, 2)}\n`);
  });
}

interface ResolveOptions extends StoreOptions {
  by: string;
  reason: string;
}

async function resolve(driftId: string, opts: ResolveOptions, cmd: Command): Promise<void> {
  if (!isDriftId(driftId)) throw new CliError(`not a drift id: ${driftId} (ids look like d-5f0c1e2a3b4c5d6e7f80)`);
  if (!opts.by.trim() || !opts.reason.trim()) throw new CliError('--by and --reason must not be empty');
  const display = {
    onTransition: (t: DriftTransition) => void process.stdout.write(`${transitionLine(t)}\n`),
    log: (line: string) => void process.stdout.write(`  ${line}\n`),
  };
  await withStore(
    opts,
    cmd,
    async (store) => {
      const actor = store.actor(opts.by)!;
      try {
        const t = await resolveManually(
          store.drift,
          driftId,
          actor.id,
          opts.reason.trim(),
          store.clock.now(),
          actor.name,
        );
        await store.publisher.publish([t]);
        if (store.deployment)
          process.stdout.write(
            `resolved by ${labelOf(actor)}; "Drift Resolved" published on ${store.deployment.busName}\n`,
          );
      } catch (err) {
        if (err instanceof DriftError) throw new CliError(err.message, Exit.usage);
        throw err;
      }
    },
    display,
  );
}

export function registerDrift(program: Command): void {
  const drift = program
    .command('drift')
    .description('list, inspect and resolve drift recorded in the embedded store or a deployed stack (--stage)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard drift list --all\n  $ tpguard drift show d-5f0c1e2a3b4c5d6e7f80\n  $ tpguard drift list --stage prod --region eu-west-1',
    );

  storeOptions(drift.command('list').description('list drift records (default: open), most severe first'))
    .option('--status <status>', `one of ${LISTABLE.join(', ')}`, 'open')
    .option('--all', 'open, suppressed and resolved')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .addHelpText(
      'after',
      '\nThe JSON form is an array of drift records (driftId, resourceType, resourceId, ruleId, severity, status,\nfirstSeen, lastSeen, occurrences, owner, ...).\n\nExamples:\n  $ tpguard drift list\n  $ tpguard drift list --all --format json | jq \'.[] | select(.severity == "critical")\'\n  $ tpguard drift list --stage prod --region eu-west-1',
    )
    .action((opts: ListOptions, cmd: Command) => list(opts, cmd));

  storeOptions(
    drift
      .command('show')
      .description('a drift record and its history (every observation, redacted evidence)')
      .argument('<driftId>', 'id from drift list'),
  )
    .addHelpText('after', '\nExample:\n  $ tpguard drift show d-5f0c1e2a3b4c5d6e7f80')
    .action((id: string, opts: StoreOptions, cmd: Command) => show(id, opts, cmd));

  storeOptions(
    drift
      .command('resolve')
      .description('resolve open or suppressed drift by hand (recorded in history, "Drift Resolved" published)')
      .argument('<driftId>', 'id from drift list'),
  )
    .requiredOption(
      '--by <name>',
      'who resolves it (against a deployed stack: a display name beside your AWS identity)',
    )
    .requiredOption('--reason <text>', 'why (kept in history and sent with the notification)')
    .addHelpText(
      'after',
      '\nAgainst a deployed stack (--stage) the resolution records your AWS identity (sts:GetCallerIdentity) and\npublishes "Drift Resolved" on the stack\'s bus, so the owners are alerted as for any transition.\n\nExamples:\n  $ tpguard drift resolve d-5f0c1e2a3b4c5d6e7f80 --by alice --reason "bucket deleted, data migrated"\n  $ tpguard drift resolve d-5f0c1e2a3b4c5d6e7f80 --stage prod --region eu-west-1 --by "Alice Ops" --reason "bucket deleted"',
    )
    .action((id: string, opts: ResolveOptions, cmd: Command) => resolve(id, opts, cmd));
}
