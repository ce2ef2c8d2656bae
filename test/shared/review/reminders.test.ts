import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/index.js';
import { decideReminder, taskStatus } from '../../../shared/review/reminders.js';
import { resolveReviewSettings } from '../../../shared/review/settings.js';
import type { ReviewTask } from '../../../shared/review/types.js';

const TASK = JSON.parse(readFileSync(new URL('./fixtures/task.json', import.meta.url), 'utf8')) as ReviewTask;
const settings = resolveReviewSettings(
  parseConfig('reviews:\n  timezone: Europe/Berlin\n  reviewers: { email: ["leads@example.com"] }\n', 'c.yaml'),
);

/** Runs the daily job at 06:00 UTC every day from `from` for `days` days, recording what it decides. */
function walk(task: ReviewTask, from: string, days: number): string[] {
  const log: string[] = [];
  for (let d = 0; d < days; d++) {
    const now = new Date(Date.parse(from) + d * 86_400_000);
    const action = decideReminder(task, now, settings);
    if (!action) continue;
    if (action.kind === 'reminder') task.reminders[action.key] = now.toISOString();
    else task.escalatedAt = now.toISOString();
    log.push(`${now.toISOString().slice(0, 10)} ${action.kind === 'reminder' ? action.key : 'escalation'}`);
  }
  return log;
}

describe('Function: decideReminder', () => {
  it('reminds 14, 7 and 1 days before the due date and escalates once, 7 days overdue', () => {
    // Prepare
    const task = structuredClone(TASK);

    // Act: every day of the quarter
    const log = walk(task, '2027-04-01T06:00:00Z', 91);

    // Assess
    expect(log).toEqual(['2027-04-17 d14', '2027-04-24 d7', '2027-04-30 d1', '2027-05-08 escalation']);
  });

  it('sends nothing for a task signed off', () => {
    // Prepare
    const task = {
      ...structuredClone(TASK),
      status: 'done' as const,
      completedBy: 'Dana',
      completedAt: '2027-04-20T10:00:00.000Z',
    };

    // Act and assess
    expect(walk(task, '2027-04-01T06:00:00Z', 91)).toEqual([]);
  });

  it('sends only the most urgent reminder when runs were missed', () => {
    // Prepare
    const task = structuredClone(TASK);

    // Act: the first run happens 3 days before the due date
    const action = decideReminder(task, new Date('2027-04-28T06:00:00Z'), settings);

    // Assess
    expect(action).toEqual({ kind: 'reminder', key: 'd7', daysBefore: 7, daysLeft: 3 });
  });

  it('skips reminders whose day came before the task was opened', () => {
    // Prepare: opened 5 days before the due date
    const task = { ...structuredClone(TASK), openedAt: '2027-04-26T07:00:00.000Z' };

    // Act
    const log = walk(task, '2027-04-26T06:00:00Z', 10);

    // Assess: the opening message stood for the 14- and 7-day reminders
    expect(log).toEqual(['2027-04-30 d1']);
  });

  it('never escalates twice', () => {
    // Prepare
    const task = { ...structuredClone(TASK), escalatedAt: '2027-05-08T06:00:00.000Z' };

    // Act and assess
    expect(decideReminder(task, new Date('2027-06-01T06:00:00Z'), settings)).toBeUndefined();
  });
});

describe('Function: taskStatus', () => {
  it('is open until the due time, overdue after it, done once signed off', () => {
    expect(taskStatus(TASK, new Date('2027-05-01T07:00:00Z'))).toBe('open');
    expect(taskStatus(TASK, new Date('2027-05-01T07:00:01Z'))).toBe('overdue');
    expect(taskStatus({ ...TASK, status: 'done' }, new Date('2027-09-01T00:00:00Z'))).toBe('done');
  });
});
