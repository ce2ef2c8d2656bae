import type { Command } from 'commander';
import { ExceptionError } from '../../shared/exceptions/index.js';
import { createException, exceptionState } from '../../shared/exceptions/index.js';
import { reconcileExceptions, type ReconcileResult } from '../../shared/exceptions/index.js';
import type { RiskException } from '../../shared/exceptions/index.js';
import { endOfLocalDay } from '../../shared/review/index.js';
import { resolveReviewSettings } from '../../shared/review/index.js';
import { InvalidTimestampError, parseIsoTime } from '../../shared/kernel/index.js';
import { CliError } from '../errors.js';
import { renderTable } from '../table.js';
import { storeOptions, withReviewRuntime, type LocalReviewRuntime, type StoreOptions } from './review-runtime.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

interface AddOptions extends StoreOptions {
  rule: string;
  resource: string;
  reason: string;
  approvedBy: string;
  expires: string;
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

async function reconcile(rt: LocalReviewRuntime): Promise<ReconcileResult> {
  return reconcileExceptions({
    drift: rt.drift,
    publisher: rt.publisher,
    exceptions: await rt.deps.exceptions.list(),
    clock: rt.clock,
  });
}

async function add(opts: AddOptions, cmd: Command): Promise<void> {
  await withReviewRuntime(opts, cmd, (rt) =>
    guarded(async () => {
      const settings = resolveReviewSettings(rt.config);
      const exc = createException(
        {
          ruleId: opts.rule,
          resource: opts.resource,
          reason: opts.reason,
          approvedBy: opts.approvedBy,
          expiresAt: expiryOf(opts.expires, settings.timezone),
        },
        rt.clock.now(),
        settings.exceptionMaxDays,
      );
      if (
        !exc.ruleId.includes('*') &&
        !exc.ruleId.includes('?') &&
        !rt.pack.rules.some((c) => c.rule.id === exc.ruleId)
      )
        throw new CliError(`--rule: no rule ${exc.ruleId} in the pack (see: tpguard rules list)`);
      await rt.deps.exceptions.add(exc);
      out(
        `exception ${exc.exceptionId}: ${exc.ruleId} on ${exc.resource}, approved by ${exc.approvedBy}, until ${exc.expiresAt}`,
      );
      const r = await reconcile(rt);
      out(`${r.suppressed.length} open drift record(s) suppressed`);
    }),
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
  await withReviewRuntime(opts, cmd, async (rt) => {
    const at = rt.clock.now().toISOString();
    const list = (await rt.deps.exceptions.list())
      .filter((e) => opts.all || exceptionState(e, at) === 'active')
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    if (opts.format === 'json')
      return out(
        JSON.stringify(
          list.map((e) => ({ ...e, state: exceptionState(e, at) })),
          null,
          2,
        ),
      );
    if (list.length === 0)
      return out(opts.all ? 'no exceptions' : 'no active exceptions (--all lists expired and revoked ones)');
    out(renderTable(['ID', 'RULE', 'RESOURCE', 'STATE', 'EXPIRES', 'APPROVED BY', 'REASON'], rows(list, at)));
  });
}

async function revoke(id: string, opts: StoreOptions & { by: string }, cmd: Command): Promise<void> {
  await withReviewRuntime(opts, cmd, (rt) =>
    guarded(async () => {
      const exc = await rt.deps.exceptions.revoke(id, opts.by, rt.clock.now().toISOString());
      out(`exception ${exc.exceptionId} revoked by ${exc.revokedBy} at ${exc.revokedAt}`);
      const r = await reconcile(rt);
      out(`${r.reopened.length} suppressed drift record(s) reopened`);
    }),
  );
}

export function registerException(program: Command): void {
  const exception = program
    .command('exception')
    .description('risk acceptance: time-boxed exceptions that suppress drift of one rule on matching resources');
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
    .addHelpText(
      'after',
      '\nExample:\n  $ tpguard exception add --rule TPS-S3-02 --resource "ml-training-legacy-*" --reason "migration to SSE-KMS in Q3" --approved-by "CISO office" --expires 2027-06-30',
    )
    .action((opts: AddOptions, cmd: Command) => add(opts, cmd));
  storeOptions(exception.command('list').description('list active exceptions'))
    .option('--all', 'expired and revoked ones too')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText('after', '\nExample:\n  $ tpguard exception list --all --format json')
    .action((opts: StoreOptions & { format: string; all?: boolean }, cmd: Command) => listCmd(opts, cmd));
  storeOptions(
    exception
      .command('revoke')
      .description('end an exception now; the drift it suppressed reopens')
      .argument('<id>', 'exception id, e.g. EX-1a2b3c4d'),
  )
    .option('--by <name>', 'who revokes it', 'operator')
    .addHelpText('after', '\nExample:\n  $ tpguard exception revoke EX-1a2b3c4d --by "CISO office"')
    .action((id: string, opts: StoreOptions & { by: string }, cmd: Command) => revoke(id, opts, cmd));
}
