import type { TpguardConfig } from '../config/index.js';
import type { PolicyPack } from '../policy/index.js';
import { sameIdentity, type Actor, type Clock } from '../kernel/index.js';
import { CONTROL_OWNER } from '../config/index.js';
import { buildContents } from './contents.js';
import { DistinctReviewerError, ReviewTaskNotFoundError, SignOffTimeError, UnknownPackChangeError } from './errors.js';
import { renderReviewMessage } from './messages.js';
import { snapshotPack, type PackSnapshot } from './pack-snapshot.js';
import { currentPeriod, type ReviewPeriod } from './period.js';
import type { ExceptionStore } from '../exceptions/index.js';
import type { DriftFactsSource, FindingSightings, ReviewMessenger, ReviewStore } from './ports.js';
import { decideReminder, type ReminderAction } from './reminders.js';
import { areasByOwner, resolveReviewSettings, taskContact, type ReviewSettings } from './settings.js';
import { TaskScopes, type Decision, type PackChange, type ReviewTask } from './types.js';

export const CONTROL_ID = 'MDS-01';

/** What the review cycle runs with. */
export interface ReviewDeps {
  config: TpguardConfig;
  pack: PolicyPack;
  clock: Clock;
  store: ReviewStore;
  exceptions: ExceptionStore;
  drift: DriftFactsSource;
  sightings: FindingSightings;
  messenger: ReviewMessenger;
}

export interface OpenResult {
  period: ReviewPeriod;
  created: ReviewTask[];
  existing: string[];
}

/** `<period>/<owner>`: the id of a task. */
export function taskIdOf(period: string, owner: string): string {
  return `${period}/${owner}`;
}

/** The pack the previous review signed off (or opened with), for "pack changes since the last review". */
async function previousSnapshot(store: ReviewStore, period: ReviewPeriod): Promise<PackSnapshot | undefined> {
  const earlier = (await store.listTasks())
    .filter((t) => t.owner === CONTROL_OWNER && t.openedAt < period.opensAt)
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt))[0];
  if (!earlier) return undefined;
  return (
    (await store.getPackSnapshot(earlier.reviewedPackVersion ?? earlier.packVersion)) ??
    store.getPackSnapshot(earlier.packVersion)
  );
}

/**
 * Opens the tasks of the period in force: one for the control, one per area owner. Idempotent:
 * each task is a conditional put, so a second run in the period creates nothing and sends nothing.
 * Snapshots the pack's rules so the next review can tell what changed.
 * @example const { created } = await openReviewPeriod(deps)
 */
export async function openReviewPeriod(deps: ReviewDeps): Promise<OpenResult> {
  const settings = resolveReviewSettings(deps.config);
  const now = deps.clock.now();
  const period = currentPeriod(settings, now);
  const current = snapshotPack(deps.pack, now.toISOString());
  await deps.store.putPackSnapshot(current);
  const [facts, exceptions, sightings, previous] = await Promise.all([
    deps.drift.facts(period.coversTo),
    deps.exceptions.list(),
    deps.sightings.list(period.coversFrom, period.coversTo),
    previousSnapshot(deps.store, period),
  ]);
  const plan: { owner: string; areas?: string[] }[] = [{ owner: CONTROL_OWNER }];
  for (const [owner, areas] of areasByOwner(
    deps.pack.rules.map((c) => c.area),
    settings.areaOwners,
  ))
    plan.push({ owner, areas });
  const result: OpenResult = { period, created: [], existing: [] };
  for (const p of plan) {
    const contents = buildContents({
      period,
      areas: p.areas,
      pack: deps.pack,
      config: deps.config,
      facts,
      exceptions,
      sightings,
      previousSnapshot: previous,
      currentSnapshot: current,
    });
    const task: ReviewTask = {
      taskId: taskIdOf(period.id, p.owner),
      period: period.id,
      controlId: CONTROL_ID,
      owner: p.owner,
      scope: p.areas ? TaskScopes.area : TaskScopes.control,
      status: 'open',
      openedAt: now.toISOString(),
      dueAt: period.dueAt,
      coversFrom: period.coversFrom,
      coversTo: period.coversTo,
      nextReviewAt: period.nextOpensAt,
      packVersion: deps.pack.version,
      contents,
      reminders: {},
    };
    if (!(await deps.store.putTaskIfAbsent(task))) {
      result.existing.push(task.taskId);
      continue;
    }
    result.created.push(task);
    await deps.messenger.send(
      renderReviewMessage(task, 'opened', p.owner, taskContact(p.owner, settings, deps.config)),
    );
  }
  return result;
}

/** One reminder or escalation the daily job recorded and sent. */
export interface SentReminder {
  taskId: string;
  action: ReminderAction;
  to: string;
}

async function act(
  deps: ReviewDeps,
  settings: ReviewSettings,
  task: ReviewTask,
  action: ReminderAction,
  at: string,
): Promise<SentReminder | undefined> {
  const recorded =
    action.kind === 'reminder'
      ? await deps.store.recordReminder(task.taskId, action.key, at)
      : await deps.store.recordEscalation(task.taskId, at);
  if (!recorded) return undefined; // another run got there first: at most once
  if (action.kind === 'reminder') {
    await deps.messenger.send(
      renderReviewMessage(task, action, task.owner, taskContact(task.owner, settings, deps.config)),
    );
    return { taskId: task.taskId, action, to: task.owner };
  }
  await deps.messenger.send(renderReviewMessage(task, action, 'escalation', settings.escalateTo));
  return { taskId: task.taskId, action, to: 'escalation' };
}

/**
 * The daily job: for every task not signed off, the reminder or escalation it is owed today
 * (see {@link decideReminder}), recorded with a conditional write before it is sent.
 * @example const sent = await sendReminders(deps)
 */
export async function sendReminders(deps: ReviewDeps): Promise<SentReminder[]> {
  const settings = resolveReviewSettings(deps.config);
  const now = deps.clock.now();
  const sent: SentReminder[] = [];
  for (const task of (await deps.store.listTasks()).sort((a, b) => a.taskId.localeCompare(b.taskId))) {
    const action = decideReminder(task, now, settings);
    if (!action) continue;
    const done = await act(deps, settings, task, action, now.toISOString());
    if (done) sent.push(done);
  }
  return sent;
}

/** The latest sign-off accepted, in days after the due date: later is another period's, or a wrong clock. */
export const MAX_SIGN_OFF_DAYS_AFTER_DUE = 366;

/** Throws {@link SignOffTimeError} when `now` is before the task opened or far after it was due. */
function checkSignOffTime(task: ReviewTask, now: Date): void {
  const at = now.toISOString();
  if (now.getTime() < Date.parse(task.openedAt))
    throw new SignOffTimeError(task.taskId, at, `before the task was opened (${task.openedAt})`);
  if (now.getTime() > Date.parse(task.dueAt) + MAX_SIGN_OFF_DAYS_AFTER_DUE * 86_400_000)
    throw new SignOffTimeError(
      task.taskId,
      at,
      `more than ${MAX_SIGN_OFF_DAYS_AFTER_DUE} days after it was due (${task.dueAt}): check the clock (--now)`,
    );
}

/** What `review complete` records. */
export interface CompleteRequest {
  taskId: string;
  /** The reviewer's identity (the caller's AWS identity deployed, the typed `--by` locally). */
  by: string;
  /** The display name typed beside a proven identity. */
  byName?: string;
  notes: string;
  decision: Decision;
}

/** Stores the pack's snapshot unless its version has one (a read first: a reviewer may not write it). */
async function snapshotIfAbsent(deps: Pick<ReviewDeps, 'store' | 'pack'>, at: string): Promise<void> {
  if (await deps.store.getPackSnapshot(deps.pack.version)) return;
  await deps.store.putPackSnapshot(snapshotPack(deps.pack, at));
}

/**
 * Signs a task off: who, when (the clock), notes, decision and the pack version reviewed
 * (whose rules are snapshotted, so the next review diffs against exactly what was signed off).
 * With `reviews.requireDistinctApprover`, the identity that recorded the pack version under review
 * (see {@link recordPackChange}) cannot sign it off, and an unrecorded version cannot be signed off.
 * @example await completeReview(deps, { taskId: '2027-Q2/reviewers', by: 'A. Auditor', notes: 'ok', decision: 'keep' })
 */
export async function completeReview(
  deps: Pick<ReviewDeps, 'store' | 'pack' | 'clock' | 'config'>,
  req: CompleteRequest,
): Promise<ReviewTask> {
  const task = await deps.store.getTask(req.taskId);
  if (!task) throw new ReviewTaskNotFoundError(req.taskId);
  checkSignOffTime(task, deps.clock.now());
  if (resolveReviewSettings(deps.config).requireDistinctApprover) {
    const change = await deps.store.getPackChange(deps.pack.version);
    if (!change) throw new UnknownPackChangeError(deps.pack.version);
    if (sameIdentity(change.changedBy, req.by)) throw new DistinctReviewerError(req.taskId, req.by, deps.pack.version);
  }
  const at = deps.clock.now().toISOString();
  await snapshotIfAbsent(deps, at);
  return deps.store.completeTask(req.taskId, {
    by: req.by,
    ...(req.byName ? { byName: req.byName } : {}),
    at,
    notes: req.notes,
    decision: req.decision,
    packVersion: deps.pack.version,
  });
}

/**
 * Records who put the pack version in force (run by whoever deploys it): the pack's snapshot, and
 * the change record the four-eyes rule compares sign-offs with. The first record of a version
 * stands; recording it again changes nothing and returns the record that stands.
 * @example const { recorded, change } = await recordPackChange(deps, { id: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci' })
 */
export async function recordPackChange(
  deps: Pick<ReviewDeps, 'store' | 'pack' | 'clock'>,
  actor: Actor,
  where?: string,
): Promise<{ recorded: boolean; change: PackChange }> {
  const at = deps.clock.now().toISOString();
  await snapshotIfAbsent(deps, at);
  const change: PackChange = {
    version: deps.pack.version,
    changedBy: actor.id,
    ...(actor.name ? { changedByName: actor.name } : {}),
    changedAt: at,
    ...(where ? { where } : {}),
  };
  if (await deps.store.putPackChange(change)) return { recorded: true, change };
  return { recorded: false, change: (await deps.store.getPackChange(deps.pack.version)) ?? change };
}
