import { daysBetween, localDate } from './calendar.js';
import type { ReviewSettings } from './settings.js';
import { TaskStatuses, type ReviewTask, type TaskStatus } from './types.js';

/** What the daily job does for one task. */
export type ReminderAction =
  | { kind: 'reminder'; key: string; daysBefore: number; daysLeft: number }
  | { kind: 'escalation'; daysOverdue: number };

/** The key a reminder `daysBefore` days before the due date is recorded under. */
export function reminderKey(daysBefore: number): string {
  return `d${daysBefore}`;
}

/**
 * The status of a task at `now`: `done` once signed off, `overdue` after its due time, else `open`.
 * @example taskStatus(task, new Date('2027-05-02T00:00:00Z')) // 'overdue'
 */
export function taskStatus(task: Pick<ReviewTask, 'status' | 'dueAt'>, now: Date): TaskStatus {
  if (task.status === TaskStatuses.done) return TaskStatuses.done;
  return now.getTime() > Date.parse(task.dueAt) ? TaskStatuses.overdue : TaskStatuses.open;
}

/**
 * What the daily job owes a task today, in local calendar days of the review timezone:
 * - before the due date, the most urgent reminder whose day has come (`remindBeforeDays`),
 *   unless it was sent already or its day was the opening day (the opening message covers it);
 * - once overdue by `escalateAfterDays` days, one escalation.
 * At most one action per task and run; recording it with a conditional write makes it at-most-once.
 * @example decideReminder(task, new Date('2027-04-17T07:00:00Z'), settings) // { kind: 'reminder', key: 'd14', ... }
 */
export function decideReminder(task: ReviewTask, now: Date, settings: ReviewSettings): ReminderAction | undefined {
  if (task.status === TaskStatuses.done) return undefined;
  const tz = settings.timezone;
  const today = localDate(now, tz);
  const due = localDate(new Date(task.dueAt), tz);
  const opened = localDate(new Date(task.openedAt), tz);
  const daysLeft = daysBetween(today, due);
  if (now.getTime() > Date.parse(task.dueAt)) {
    const daysOverdue = -daysLeft;
    if (task.escalatedAt || daysOverdue < settings.escalateAfterDays) return undefined;
    return { kind: 'escalation', daysOverdue };
  }
  const openingDaysLeft = daysBetween(opened, due);
  const pending = settings.remindBeforeDays.filter((d) => d >= daysLeft && d < openingDaysLeft);
  if (pending.length === 0) return undefined;
  const daysBefore = Math.min(...pending);
  const key = reminderKey(daysBefore);
  if (task.reminders[key]) return undefined;
  return { kind: 'reminder', key, daysBefore, daysLeft };
}
