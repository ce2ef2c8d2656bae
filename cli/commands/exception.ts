import type { Command } from 'commander';
import { approvalOf, ExceptionError } from '../../shared/exceptions/index.js';
import { createException, exceptionState } from '../../shared/exceptions/index.js';
import { reconcileExceptions, type ReconcileResult } from '../../shared/exceptions/index.js';
import type { RiskException } from '../../shared/exceptions/index.js';
import { endOfLocalDay } from '../../shared/review/index.js';
import { resolveReviewSettings } from '../../shared/review/index.js';
import { actorLabel, InvalidTimestampError, parseIsoTime } from '../../shared/kernel/index.js';
import { CliError } from '../errors.js';
import { tpguardCommand } from '../invocation.js';
import { renderTable } from '../table.js';
import { labelOf, REVIEW_DISPLAY, storeOptions, withStore, type Store, type StoreOptions } from '../store.js';
import { safeJson } from '../terminal.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

interface AddOptions extends StoreOptions {
  rule: string;
  resource: string;
  reason: string;
  approvedBy: string;
  expires: string;
  by?: string;
}

/**
 * `--expires`: a date means the end of that day in the review timezone; a date-time is taken as is.
 * @example expiryOf('2027-06-30', 'Europe/Berlin') // '2027-06-30T22:00:00.000Z'
 */
export function expiryOf(value: string, timezone: string): string {
  try {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
      parseIsoTime(value);
      return endOfLocalDay(value.trim(), timezone).toISOString();
    }
    return parseIsoTime(value).toISOString();
  } catch (err) {
    if (err instanceof InvalidTimestampError) throw new CliError(`--expires: ${err.message}`);
    throw err;
  }
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ExceptionError) throw new CliError(err.message);
    throw err;
  }
}

async function reconcile(store: Store): Promise<ReconcileResult> {
  return reconcileExceptions({
    drift: store.drift,
    publisher: store.publisher,
    exceptions: await store.deps.exceptions.list(),
    clock: store.clock,
  });
}

/** `, added by <identity>` when who added it is recorded. */
const addedBy = (e: RiskException) => (e.createdBy ? `, added by ${actorLabel(e.createdBy, e.createdByName)}` : '');

async function add(opts: AddOptions, cmd: Command): Promise<void> {
  await withStore(
    opts,
    cmd,
    (store) =>
      guarded(async () => {
        const settings = resolveReviewSettings(store.config);
        const actor = store.actor(opts.by);
        const exc = createException(
          {
            ruleId: opts.rule,
            resource: opts.resource,
            reason: opts.reason,
            approvedBy: opts.approvedBy,
            expiresAt: expiryOf(opts.expires, settings.timezone),
            ...(actor ? { createdBy: actor.id, ...(actor.name ? { createdByName: actor.name } : {}) } : {}),
            ...(settings.requireDistinctApprover ? { requireApproval: true } : {}),
          },
          store.clock.now(),
          settings.exceptionMaxDays,
        );
        if (
          !exc.ruleId.includes('*') &&
          !exc.ruleId.includes('?') &&
          !store.pack.rules.some((c) => c.rule.id === exc.ruleId)
        )
          throw new CliError(`--rule: no rule ${exc.ruleId} in the pack (see: ${tpguardCommand()} rules list)`);
        await store.deps.exceptions.add(exc);
        if (exc.status === 'pending') {
          out(
            `exception ${exc.exceptionId}: ${exc.ruleId} on ${exc.resource}, approved by ${exc.approvedBy}${addedBy(exc)}, until ${exc.expiresAt}`,
          );
          out(
            `pending: reviews.requireDistinctApprover is on, so it suppresses nothing until another identity runs: ${tpguardCommand()} exception approve ${exc.exceptionId}`,
          );
          return;
        }
        out(
          `exception ${exc.exceptionId}: ${exc.ruleId} on ${exc.resource}, approved by ${exc.approvedBy}${addedBy(exc)}, until ${exc.expiresAt}`,
        );
        const r = await reconcile(store);
        out(`${r.suppressed.length} open drift record(s) suppressed`);
      }),
    REVIEW_DISPLAY,
  );
}

async function approve(id: string, opts: StoreOptions & { by?: string }, cmd: Command): Promise<void> {
  await withStore(
    opts,
    cmd,
    (store) =>
      guarded(async () => {
        const actor = store.actor(opts.by);
        if (!actor) throw new CliError('--by is required: who approves it (the identity four eyes compare)');
        const exc = await store.deps.exceptions.get(id);
        if (!exc) throw new CliError(`no exception ${id} (see: ${tpguardCommand()} exception list --all)`);
        const approved = await store.deps.exceptions.approve(id, approvalOf(exc, actor, store.clock.now()));
        out(
          `exception ${approved.exceptionId} approved by ${labelOf(actor)}${addedBy(approved)}; in force until ${approved.expiresAt}`,
        );
        const r = await reconcile(store);
        out(`${r.suppressed.length} open drift record(s) suppressed`);
      }),
    REVIEW_DISPLAY,
  );
}

function rows(list: RiskException[], at: string): string[][] {
  return list.map((e) => [
    e.exceptionId,
    e.ruleId,
    e.resource,
    exceptionState(e, at),
    e.expiresAt.slice(0, 16).replace('T', ' '),
    e.approvedBy,
    e.reason,
  ]);
}

async function listCmd(opts: StoreOptions & { format: string; all?: boolean }, cmd: Command): Promise<void> {
  if (!['table', 'json'].includes(opts.format)) throw new CliError('--format must be table or json');
  await withStore(opts, cmd, async (store) => {
    const at = store.clock.now().toISOString();
    const shown = (e: RiskException) => ['active', 'pending'].includes(exceptionState(e, at));
    const list = (await store.deps.exceptions.list())
      .filter((e) => opts.all || shown(e))
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    if (opts.format === 'json')
      return out(
        safeJson(
          list.map((e) => ({ ...e, state: exceptionState(e, at) })),
          2,
        ),
      );
    if (list.length === 0)
      return out(opts.all ? 'no exceptions' : 'no active exceptions (--all lists expired and revoked ones)');
    out(renderTable(['ID', 'RULE', 'RESOURCE', 'STATE', 'EXPIRES', 'APPROVED BY', 'REASON'], rows(list, at)));
  });
}

async function revoke(id: string, opts: StoreOptions & { by: string }, cmd: Command): Promise<void> {
  await withStore(
    opts,
    cmd,
    (store) =>
      guarded(async () => {
        // Deployed, the default `operator` adds nothing to the proven identity.
        const typed = cmd.getOptionValueSource('by') === 'default' && store.deployment ? undefined : opts.by;
        const actor = store.actor(typed) ?? { id: opts.by };
        const exc = await store.deps.exceptions.revoke(id, actor.id, store.clock.now().toISOString(), actor.name);
        out(
          `exception ${exc.exceptionId} revoked by ${actorLabel(exc.revokedBy ?? actor.id, exc.revokedByName)} at ${exc.revokedAt}`,
        );
        const r = await reconcile(store);
        out(`${r.reopened.length} suppressed drift record(s) reopened`);
      }),
    REVIEW_DISPLAY,
  );
}

export function registerException(program: Command): void {
  const exception = program
    .command('exception')
    .description('risk acceptance: time-boxed exceptions that suppress drift of one rule on matching resources')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard exception add --rule TPS-S3-02 --resource "ml-training-legacy-*" --reason "migration to SSE-KMS in Q3" --approved-by "CISO office" --expires 2027-06-30\n  $ tpguard exception list --all',
    );
  storeOptions(
    exception
      .command('add')
      .description(
        'approve an exception; matching drift becomes suppressed (no alerts) until it expires, then reopens',
      ),
  )
    .requiredOption('--rule <id>', 'rule id (or a glob over rule ids)')
    .requiredOption('--resource <glob>', 'AWS-wildcard glob over the resource id, name or ARN')
    .requiredOption('--reason <text>', 'why the risk is accepted')
    .requiredOption('--approved-by <name>', 'who accepted it')
    .requiredOption(
      '--expires <date>',
      'YYYY-MM-DD (end of that day, review timezone) or an ISO-8601 date-time; at most reviews.exceptionMaxDays away',
    )
    .option(
      '--by <name>',
      'who records it (deployed: a display name beside your AWS identity; required locally with four eyes)',
    )
    .addHelpText(
      'after',
      '\nWith reviews.requireDistinctApprover the exception stays pending until another identity approves it.\n\nExamples:\n  $ tpguard exception add --rule TPS-S3-02 --resource "ml-training-legacy-*" --reason "migration to SSE-KMS in Q3" --approved-by "CISO office" --expires 2027-06-30\n  $ tpguard exception add --stage prod --region eu-west-1 --rule TPS-S3-02 --resource "ml-training-legacy-*" --reason "migration in Q3" --approved-by "CISO office" --expires 2027-06-30',
    )
    .action((opts: AddOptions, cmd: Command) => add(opts, cmd));
  storeOptions(
    exception
      .command('approve')
      .description(
        'four eyes (reviews.requireDistinctApprover): approve a pending exception; the identity that added it cannot',
      )
      .argument('<id>', 'exception id, e.g. EX-1a2b3c4d'),
  )
    .option('--by <name>', 'who approves it (deployed: a display name beside your AWS identity; required locally)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard exception approve EX-1a2b3c4d --by "Chris (CISO office)"\n  $ tpguard exception approve EX-1a2b3c4d --stage prod --region eu-west-1',
    )
    .action((id: string, opts: StoreOptions & { by?: string }, cmd: Command) => approve(id, opts, cmd));
  storeOptions(exception.command('list').description('list active and pending exceptions'))
    .option('--all', 'expired and revoked ones too')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard exception list --all --format json\n  $ tpguard exception list --stage prod --region eu-west-1',
    )
    .action((opts: StoreOptions & { format: string; all?: boolean }, cmd: Command) => listCmd(opts, cmd));
  storeOptions(
    exception
      .command('revoke')
      .description('end an exception now; the drift it suppressed reopens')
      .argument('<id>', 'exception id, e.g. EX-1a2b3c4d'),
  )
    .option('--by <name>', 'who revokes it (deployed: a display name beside your AWS identity)', 'operator')
    .addHelpText('after', '\nExample:\n  $ tpguard exception revoke EX-1a2b3c4d --by "CISO office"')
    .action((id: string, opts: StoreOptions & { by: string }, cmd: Command) => revoke(id, opts, cmd));
}
