import type { Contact } from '../config/index.js';
import { SEVERITIES } from '../kernel/index.js';
import type { ReminderAction } from './reminders.js';
import type { ReviewMessage } from './ports.js';
import type { ReviewContents, ReviewTask } from './types.js';

/** The command a reviewer runs to sign off, shown in every message. */
export function signOffCommand(taskId: string): string {
  return `tpguard review complete ${taskId} --by "<your name>" --notes "<what you checked>" --decision keep|update`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * The facts of a task as plain-text lines (emails, `review show`).
 * @example contentLines(task.contents)[0] // 'Drift opened: 4, resolved: 3, mean time to resolve: 5.2 h'
 */
export function contentLines(c: ReviewContents): string[] {
  const open =
    SEVERITIES.filter((s) => c.openBySeverity[s])
      .map((s) => `${s} ${c.openBySeverity[s]}`)
      .join(', ') || 'none';
  const pc = c.packChanges;
  const lines = [
    `Drift opened: ${c.driftOpened}, resolved: ${c.driftResolved}, mean time to resolve: ${c.meanTimeToResolveHours === undefined ? 'n/a' : `${c.meanTimeToResolveHours} h`}`,
    `Still open: ${open}`,
    `Noisiest rules: ${c.noisiestRules.map((r) => `${r.ruleId} (${r.count})`).join(', ') || 'none'}`,
    `Rules that never fired (${c.silentRules.length} of ${c.rules}): ${c.silentRules.join(', ') || 'none'}`,
    `Exceptions expiring before the next review: ${c.expiringExceptions.map((e) => `${e.exceptionId} ${e.ruleId} ${e.resource} (${day(e.expiresAt)})`).join('; ') || 'none'}`,
    `Pack changes ${pc.fromVersion ? `${pc.fromVersion} -> ${pc.toVersion}` : `(first review, pack ${pc.toVersion})`}: added ${pc.added.length}, removed ${pc.removed.length}, modified ${pc.modified.length}`,
  ];
  if (pc.added.length + pc.removed.length + pc.modified.length > 0 && pc.fromVersion) {
    lines.push(
      `  added: ${pc.added.join(', ') || '-'}; removed: ${pc.removed.join(', ') || '-'}; modified: ${pc.modified.join(', ') || '-'}`,
    );
  }
  if (c.threatDelta.length > 0 || c.areas.length > 1) {
    lines.push(
      `GuardDuty finding types no rule maps: ${c.threatDelta.map((t) => `${t.findingType} (${t.count} on ${t.resources.join(', ')})`).join('; ') || 'none'}`,
    );
  }
  return lines;
}

function headline(
  task: ReviewTask,
  action: ReminderAction | 'opened',
): { kind: ReviewMessage['kind']; subject: string; lead: string } {
  const what = `MDS-01 review ${task.taskId}`;
  if (action === 'opened') {
    return {
      kind: 'review-opened',
      subject: `[tpguard] ${what} is open, due ${day(task.dueAt)}`,
      lead: `The ${task.period} review of the training-pipeline policies is open for ${task.owner} (areas: ${task.contents.areas.join(', ')}). Due ${task.dueAt}.`,
    };
  }
  if (action.kind === 'reminder') {
    return {
      kind: 'review-reminder',
      subject: `[tpguard] Reminder: ${what} due in ${action.daysLeft} day${action.daysLeft === 1 ? '' : 's'}`,
      lead: `The ${task.period} review for ${task.owner} is due ${task.dueAt} and not signed off yet.`,
    };
  }
  return {
    kind: 'review-escalation',
    subject: `[tpguard] Escalation: ${what} overdue by ${action.daysOverdue} days`,
    lead: `The ${task.period} review for ${task.owner} was due ${task.dueAt} and is still not signed off (${action.daysOverdue} days overdue).`,
  };
}

/**
 * The message for a task event, to `contact` (the task owner's, or the escalation contact).
 * Subjects are ASCII, one line, at most 100 characters (SNS rules).
 * @example renderReviewMessage(task, { kind: 'reminder', key: 'd7', daysBefore: 7, daysLeft: 7 }, 'reviewers', contact).subject
 */
export function renderReviewMessage(
  task: ReviewTask,
  action: ReminderAction | 'opened',
  owner: string,
  contact: Contact,
): ReviewMessage {
  const h = headline(task, action);
  const facts = contentLines(task.contents);
  const text = [
    h.lead,
    '',
    `Covers ${day(task.coversFrom)} .. ${day(task.coversTo)}, pack ${task.packVersion}.`,
    ...facts,
    '',
    'Sign off with:',
    `  ${signOffCommand(task.taskId)}`,
    '',
  ].join('\n');
  const mrkdwn = [`*${h.subject.replace('[tpguard] ', '')}*`, h.lead, '', ...facts.map((l) => `• ${l}`)]
    .join('\n')
    .slice(0, 2900);
  const message: ReviewMessage = {
    kind: h.kind,
    taskId: task.taskId,
    owner,
    email: contact.email,
    subject: h.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
    text,
    slackPayload: {
      text: h.subject,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Sign off: \`${signOffCommand(task.taskId)}\`` }] },
      ],
    },
  };
  if (contact.slack) message.slack = contact.slack;
  return message;
}
