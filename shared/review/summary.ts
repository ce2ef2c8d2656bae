import { taskStatus } from './reminders.js';
import type { ReviewTask, TaskSummary } from './types.js';

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
