import { exceptionState } from '../exceptions/index.js';
import type { RiskException } from '../exceptions/index.js';
import { currentPeriod } from './period.js';
import { taskStatus } from './reminders.js';
import type { ReviewSettings } from './settings.js';
import type { ReviewTask } from './types.js';

function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * The review status in a few lines (the `npm start` screen): the period in force, its tasks,
 * anything overdue from earlier periods, and the active exceptions.
 * @example reviewStatusLines(tasks, exceptions, settings, now)[0] // 'Reviews (quarterly, Europe/Berlin): period 2027-Q2 due 2027-05-01, next opens 2027-07-01'
 */
export function reviewStatusLines(
  tasks: readonly ReviewTask[],
  exceptions: readonly RiskException[],
  settings: ReviewSettings,
  now: Date,
): string[] {
  const p = currentPeriod(settings, now);
  const lines = [
    `Reviews (${settings.schedule}, ${settings.timezone}): period ${p.id} due ${day(p.dueAt)}, next opens ${day(p.nextOpensAt)}`,
  ];
  const current = tasks.filter((t) => t.period === p.id).sort((a, b) => a.taskId.localeCompare(b.taskId));
  if (current.length === 0) lines.push(`  ${p.id}: no tasks opened yet (tpguard review run opens them)`);
  for (const t of current) {
    const status = taskStatus(t, now);
    const detail =
      status === 'done'
        ? `signed off by ${t.completedBy} on ${day(t.completedAt!)}`
        : `due ${day(t.dueAt)}${Object.keys(t.reminders).length ? `, reminders ${Object.keys(t.reminders).join(' ')}` : ''}${t.escalatedAt ? ', escalated' : ''}`;
    lines.push(`  ${t.taskId}: ${status}, ${detail}`);
  }
  const overdue = tasks
    .filter((t) => t.period !== p.id && taskStatus(t, now) === 'overdue')
    .map((t) => t.taskId)
    .sort();
  if (overdue.length > 0) lines.push(`  overdue from earlier periods: ${overdue.join(', ')}`);
  const active = exceptions
    .filter((e) => exceptionState(e, now.toISOString()) === 'active')
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  lines.push(
    `  exceptions: ${active.length} active${active[0] ? ` (next to expire: ${active[0].exceptionId} ${active[0].ruleId} on ${day(active[0].expiresAt)})` : ''}`,
  );
  return lines;
}
