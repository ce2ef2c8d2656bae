import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReviewMessage, signOffCommand } from '../../../shared/review/messages.js';
import type { ReviewTask } from '../../../shared/review/types.js';

const TASK = JSON.parse(readFileSync(new URL('./fixtures/task.json', import.meta.url), 'utf8')) as ReviewTask;
const CONTACT = { email: ['leads@example.com'], slack: 'ssm:/tpguard/slack/ml-platform' };

describe('Function: renderReviewMessage', () => {
  it('tells the owner what is due and how to sign off, on e-mail and Slack', () => {
    // Act
    const m = renderReviewMessage(
      structuredClone(TASK),
      { kind: 'reminder', key: 'd7', daysBefore: 7, daysLeft: 7 },
      'reviewers',
      CONTACT,
    );

    // Assess
    expect(m).toMatchObject({
      kind: 'review-reminder',
      taskId: '2027-Q2/reviewers',
      owner: 'reviewers',
      email: ['leads@example.com'],
      slack: 'ssm:/tpguard/slack/ml-platform',
    });
    expect(m.subject).toBe('[tpguard] Reminder: MDS-01 review 2027-Q2/reviewers due in 7 days');
    expect(m.text).toContain(signOffCommand('2027-Q2/reviewers'));
    expect(m.text).toContain('Drift opened: 2, resolved: 1, mean time to resolve: 5.5 h');
    expect(m.slackPayload.text).toBe(m.subject);
    expect(JSON.stringify(m.slackPayload.blocks)).toContain('TPS-S3-90 (3)');
  });

  it('keeps the subject within the SNS rules (ASCII, at most 100 characters)', () => {
    // Prepare
    const task = { ...structuredClone(TASK), taskId: `2027-Q2/${'équipe-'.repeat(20)}` };

    // Act
    const m = renderReviewMessage(task, { kind: 'escalation', daysOverdue: 9 }, 'escalation', {
      email: ['ciso@example.com'],
    });

    // Assess
    expect(m.subject.length).toBeLessThanOrEqual(100);
    expect(m.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(m.slack).toBeUndefined();
  });
});
