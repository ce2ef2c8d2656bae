import type { Command } from 'commander';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoExceptionStore } from '../../shared/adapters/aws/index.js';
import { DynamoReviewStore } from '../../shared/adapters/aws/index.js';
import type { TpguardConfig } from '../../shared/config/index.js';
import { reviewStatusLines } from '../../shared/review/index.js';
import { reconcileExceptions } from '../../shared/exceptions/index.js';
import { completeReview, openReviewPeriod, sendReminders, type SentReminder } from '../../shared/review/index.js';
import { ReviewError } from '../../shared/review/index.js';
import { contentLines } from '../../shared/review/index.js';
import { currentPeriod } from '../../shared/review/index.js';
import { resolveReviewSettings } from '../../shared/review/index.js';
import { summarizeTask } from '../../shared/review/index.js';
import { Decisions, type Decision, type ReviewTask, type TaskSummary } from '../../shared/review/index.js';
import { actorLabel } from '../../shared/kernel/index.js';
import { CliError } from '../errors.js';
import { tpguardCommand } from '../invocation.js';
import { renderTable } from '../table.js';
import { requireDeployedPack, REVIEW_DISPLAY, storeOptions, withStore, type StoreOptions } from '../store.js';
import { safeJson } from '../terminal.js';

const out = (s: string) => process.stdout.write(`${s}\n`);

/** Review errors are the user's (unknown id, already signed off): one line, exit 2. */
async function asCli<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ReviewError) throw new CliError(err.message);
    throw err;
  }
}

function describeSent(s: SentReminder): string {
  return s.action.kind === 'reminder'
    ? `reminder ${s.action.key} sent for ${s.taskId} to ${s.to} (due in ${s.action.daysLeft} day${s.action.daysLeft === 1 ? '' : 's'})`
    : `escalation sent for ${s.taskId} (${s.action.daysOverdue} days overdue)`;
}

async function run(opts: StoreOptions, cmd: Command): Promise<void> {
  await withStore(
    opts,
    cmd,
    async (rt) =>
      asCli(async () => {
        requireDeployedPack(rt);
        const settings = resolveReviewSettings(rt.config);
        const p = currentPeriod(settings, rt.clock.now());
        out(
          `review period ${p.id}: opened ${p.opensAt}, due ${p.dueAt} (${settings.timezone}); covers ${p.coversFrom.slice(0, 10)} .. ${p.coversTo.slice(0, 10)}`,
        );
        const r = await openReviewPeriod(rt.deps);
        for (const t of r.created)
          out(
            `opened ${t.taskId} (${t.scope === 'control' ? 'control MDS-01' : `areas ${t.contents.areas.join(', ')}`}): ${t.contents.driftOpened} drift opened, ${t.contents.driftResolved} resolved in the period`,
          );
        for (const id of r.existing) out(`already open: ${id}`);
        out(
          `${r.created.length} task(s) opened, ${r.existing.length} already open; pack ${rt.pack.version} snapshotted`,
        );
      }),
    REVIEW_DISPLAY,
  );
}

async function remind(opts: StoreOptions, cmd: Command): Promise<void> {
  await withStore(
    opts,
    cmd,
    async (rt) =>
      asCli(async () => {
        const sent = await sendReminders(rt.deps);
        for (const s of sent) out(describeSent(s));
        const exceptions = await rt.deps.exceptions.list();
        const r = await reconcileExceptions({ drift: rt.drift, publisher: rt.publisher, exceptions, clock: rt.clock });
        out(
          `${sent.length} reminder(s)/escalation(s) sent; exceptions: ${r.reopened.length} drift reopened, ${r.suppressed.length} suppressed`,
        );
      }),
    REVIEW_DISPLAY,
  );
}

function listRows(tasks: TaskSummary[]): string[][] {
  return tasks.map((t) => [
    t.id,
    t.owner,
    t.status,
    t.dueAt.slice(0, 16).replace('T', ' '),
    t.completedBy ? actorLabel(t.completedBy, t.completedByName) : '-',
    t.completedAt ? t.completedAt.slice(0, 10) : '-',
    t.remindersSent.join(' ') || '-',
    t.escalatedAt ? t.escalatedAt.slice(0, 10) : '-',
  ]);
}

async function list(opts: StoreOptions & { format: string; period?: string }, cmd: Command): Promise<void> {
  if (!['table', 'json'].includes(opts.format)) throw new CliError('--format must be table or json');
  await withStore(opts, cmd, async (rt) => {
    const now = rt.clock.now();
    const tasks = (await rt.deps.store.listTasks())
      .filter((t) => !opts.period || t.period === opts.period)
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.taskId.localeCompare(b.taskId))
      .map((t) => summarizeTask(t, now));
    if (opts.format === 'json') return out(safeJson(tasks, 2));
    if (tasks.length === 0) return out(`no review tasks yet (${tpguardCommand()} review run opens the current period)`);
    out(
      renderTable(
        ['ID', 'OWNER', 'STATUS', 'DUE', 'COMPLETED BY', 'COMPLETED', 'REMINDERS', 'ESCALATED'],
        listRows(tasks),
      ),
    );
  });
}

function showText(t: ReviewTask, s: TaskSummary): string[] {
  const lines = [
    `${t.taskId}: ${t.controlId} review for ${t.owner} (${t.scope}; areas: ${t.contents.areas.join(', ')})`,
    `status ${s.status}; opened ${t.openedAt}; due ${t.dueAt}; next review ${t.nextReviewAt}`,
    `covers ${t.coversFrom} .. ${t.coversTo}; pack ${t.packVersion}`,
    ...contentLines(t.contents),
    `reminders: ${s.remindersSent.map((k) => `${k} at ${t.reminders[k]}`).join(', ') || 'none'}; escalated: ${t.escalatedAt ?? 'no'}`,
  ];
  if (t.completedBy)
    lines.push(
      `signed off by ${actorLabel(t.completedBy, t.completedByName)} at ${t.completedAt} (${s.onTime ? 'on time' : 'late'}); decision ${t.decision}; pack reviewed ${t.reviewedPackVersion}`,
      `notes: ${t.notes}`,
    );
  return lines;
}

async function show(id: string, opts: StoreOptions & { format: string }, cmd: Command): Promise<void> {
  if (!['text', 'json'].includes(opts.format)) throw new CliError('--format must be text or json');
  await withStore(opts, cmd, async (rt) => {
    const task = await rt.deps.store.getTask(id);
    if (!task) throw new CliError(`no review task ${id} (see: ${tpguardCommand()} review list)`);
    const summary = summarizeTask(task, rt.clock.now());
    out(opts.format === 'json' ? safeJson({ ...task, status: summary.status }, 2) : showText(task, summary).join('\n'));
  });
}

async function complete(
  id: string,
  opts: StoreOptions & { by: string; notes: string; decision: string },
  cmd: Command,
): Promise<void> {
  if (!(Decisions as readonly string[]).includes(opts.decision))
    throw new CliError(`--decision must be ${Decisions.join(' or ')}`);
  if (!opts.by.trim() || !opts.notes.trim()) throw new CliError('--by and --notes must not be empty');
  await withStore(opts, cmd, async (rt) =>
    asCli(async () => {
      requireDeployedPack(rt);
      const actor = rt.actor(opts.by)!;
      const t = await completeReview(rt.deps, {
        taskId: id,
        by: actor.id,
        ...(actor.name ? { byName: actor.name } : {}),
        notes: opts.notes.trim(),
        decision: opts.decision as Decision,
      });
      const onTime = t.completedAt! <= t.dueAt;
      out(
        `${t.taskId} signed off by ${actorLabel(t.completedBy!, t.completedByName)} at ${t.completedAt} (${onTime ? 'on time' : 'late'}, due ${t.dueAt}); decision ${t.decision}; pack ${t.reviewedPackVersion}`,
      );
    }),
  );
}

export function registerReview(program: Command): void {
  const review = program
    .command('review')
    .description('the quarterly review of the policies: open tasks, remind, escalate, sign off')
    .addHelpText(
      'after',
      '\nEvery subcommand reads the clock: add the global --now ISO-8601 to move through a quarter.\n\nExample:\n  $ tpguard review run --now 2027-04-01T09:00:00+02:00',
    );
  storeOptions(
    review.command('run').description("open the current period's tasks (what the quarterly schedule runs); idempotent"),
  )
    .addHelpText('after', '\nExample:\n  $ tpguard review run --now 2027-04-01T07:00:00Z')
    .action((opts: StoreOptions, cmd: Command) => run(opts, cmd));
  storeOptions(
    review
      .command('remind')
      .description('send due reminders and escalations, reopen drift whose exception ended (what the daily job runs)'),
  )
    .addHelpText('after', '\nExample:\n  $ tpguard review remind --now 2027-04-17T08:00:00Z')
    .action((opts: StoreOptions, cmd: Command) => remind(opts, cmd));
  storeOptions(review.command('list').description('list review tasks with status open, done or overdue'))
    .option('--format <format>', 'table or json', 'table')
    .option('--period <id>', 'only this period, e.g. 2027-Q2')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard review list\n  $ tpguard review list --format json | jq ".[] | select(.status == \\"overdue\\")"',
    )
    .action((opts: StoreOptions & { format: string; period?: string }, cmd: Command) => list(opts, cmd));
  storeOptions(
    review
      .command('show')
      .description('show a task: what the reviewers need, reminders, sign-off')
      .argument('<id>', 'task id, e.g. 2027-Q2/reviewers'),
  )
    .option('--format <format>', 'text or json', 'text')
    .addHelpText('after', '\nExample:\n  $ tpguard review show 2027-Q2/reviewers')
    .action((id: string, opts: StoreOptions & { format: string }, cmd: Command) => show(id, opts, cmd));
  storeOptions(
    review
      .command('complete')
      .description('sign a task off: who, when, notes, decision and the pack version reviewed')
      .argument('<id>', 'task id'),
  )
    .requiredOption('--by <name>', 'who signs off (against a deployed stack: a display name beside your AWS identity)')
    .requiredOption('--notes <text>', 'what was checked and decided')
    .option('--decision <decision>', 'keep (pack stays) or update (pack changes follow)', 'keep')
    .addHelpText(
      'after',
      '\nAgainst a deployed stack (--stage) the sign-off records your AWS identity, with --by beside it.\n\nExamples:\n  $ tpguard review complete 2027-Q2/reviewers --by "Dana Ruiz" --notes "Added TPS-S3-07 for the new finding types" --decision update\n  $ tpguard review complete 2027-Q2/reviewers --stage prod --region eu-west-1 --by "Dana Ruiz" --notes "no change needed"',
    )
    .action((id: string, opts: StoreOptions & { by: string; notes: string; decision: string }, cmd: Command) =>
      complete(id, opts, cmd),
    );
}

/**
 * The review block of the `npm start` screen, read from the local table.
 * @example lines.push(...await reviewStatusBlock(rt.table, config, clock.now()))
 */
export async function reviewStatusBlock(
  table: { doc: DynamoDBDocumentClient; tableName: string },
  config: TpguardConfig,
  now: Date,
): Promise<string[]> {
  const [tasks, exceptions] = await Promise.all([
    new DynamoReviewStore(table.doc, table.tableName).listTasks(),
    new DynamoExceptionStore(table.doc, table.tableName).list(),
  ]);
  // The status names a command as `(tpguard review run ...)`: say it as this user runs tpguard.
  return reviewStatusLines(tasks, exceptions, resolveReviewSettings(config), now).map((l) =>
    l.replaceAll('(tpguard ', `(${tpguardCommand()} `),
  );
}
