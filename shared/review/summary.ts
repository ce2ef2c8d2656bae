import { taskStatus } from './reminders.js';
import type { ReviewTask, TaskStatus, TaskSummary } from './types.js';

/**
 * A task as `review list --format json` prints it, with its status at `now`.
 * @example summarizeTask(task, now).status // 'overdue'
 */
export function summarizeTask(task: ReviewTask, now: Date): TaskSummary {
  return {
    id: task.taskId,
    period: task.period,
    controlId: task.controlId,
    owner: task.owner,
    scope: task.scope,
    status: taskStatus(task, now),
    openedAt: task.openedAt,
    dueAt: task.dueAt,
    completedBy: task.completedBy ?? null,
    ...(task.completedByName ? { completedByName: task.completedByName } : {}),
    completedAt: task.completedAt ?? null,
    decision: task.decision ?? null,
    onTime: task.completedAt ? task.completedAt <= task.dueAt : null,
    remindersSent: Object.keys(task.reminders).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1))),
    escalatedAt: task.escalatedAt ?? null,
  };
}

/** Counts of tasks by status at `now` (for `npm start` and the report). */
export function statusCounts(tasks: readonly ReviewTask[], now: Date): Record<TaskStatus, number> {
  const out: Record<TaskStatus, number> = { open: 0, done: 0, overdue: 0 };
  for (const t of tasks) out[taskStatus(t, now)]++;
  return out;
}
