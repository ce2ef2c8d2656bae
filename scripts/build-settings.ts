import { baselineCron, type TpguardConfig } from '../shared/config/index.js';
import { ScheduleConversionError } from './build-errors.js';

/**
 * Deployment settings taken from `tpguard.config.yaml` and the policy pack at package time,
 * written to `.build/deploy.json` for serverless.yml (`${file(.build/deploy.json):timezone}`).
 */
export interface DeploySettings {
  /** Content hash of the pack bundled into every function (TPGUARD_PACK_VERSION). */
  packVersion: string;
  /** IANA timezone of every schedule: `reviews.timezone`, else UTC. */
  timezone: string;
  /** EventBridge Scheduler expression of the periodic review (`reviews.schedule`). */
  reviewSchedule: string;
  /** Daily review reminders and escalation. */
  reminderSchedule: string;
  /** Daily per-owner digest and the `escalateAfterHours` escalation. */
  digestSchedule: string;
  /** EventBridge Scheduler expression of the weekly baseline (`baseline.schedule`). */
  baselineSchedule: string;
  /** `ENABLED`, or `DISABLED` when `baseline.enabled` is false (on demand only). */
  baselineState: 'ENABLED' | 'DISABLED';
  /** `notifications.securityHub`: the notify role may import findings only when true. */
  securityHub: 'true' | 'false';
  /** `notifications.chatbotTopicArn`, or empty. */
  chatbotTopicArn: string;
}

const QUARTERLY_CRON = '0 9 1 1,4,7,10 *';
const DOW_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Unix day-of-week numbers (0 or 7 = Sunday) become names, which Scheduler reads unambiguously. */
function dayOfWeek(field: string, schedule: string): string {
  if (field.includes('/'))
    throw new ScheduleConversionError(schedule, 'EventBridge Scheduler accepts no step (/) in the day of week');
  return field.replace(/\d+/g, (d) => {
    const n = Number(d);
    if (n > 7) throw new ScheduleConversionError(schedule, `day of week ${d} out of range`);
    return DOW_NAMES[n % 7]!;
  });
}

/**
 * Converts a 5-field cron expression (as `reviews.schedule` holds it; `quarterly` expands to
 * 09:00 on 1 Jan/Apr/Jul/Oct) to EventBridge Scheduler's 6-field form, where one of
 * day-of-month and day-of-week must be `?`.
 * @example toSchedulerCron('quarterly') // 'cron(0 9 1 1,4,7,10 ? *)'
 */
export function toSchedulerCron(schedule: string): string {
  const cron = schedule === 'quarterly' ? QUARTERLY_CRON : schedule;
  const fields = cron.trim().split(/\s+/);
  if (fields.length === 6 && fields[0] === '0') fields.shift(); // croner's optional seconds
  if (fields.length !== 5)
    throw new ScheduleConversionError(schedule, 'expected 5 fields: minute hour day-of-month month day-of-week');
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== '*' && dom !== '?' && dow !== '*' && dow !== '?') {
    throw new ScheduleConversionError(
      schedule,
      'EventBridge Scheduler cannot combine a day of month with a day of week',
    );
  }
  const days = dow === '*' || dow === '?' ? [dom === '?' ? '*' : dom, '?'] : ['?', dayOfWeek(dow, schedule)];
  return `cron(${minute} ${hour} ${days[0]} ${month} ${days[1]} *)`;
}

/** Settings from a loaded configuration and the pack version. */
export function deploySettings(config: TpguardConfig, packVersion: string): DeploySettings {
  const reviews = config.reviews;
  return {
    packVersion,
    timezone: reviews?.timezone ?? 'UTC',
    reviewSchedule: toSchedulerCron(reviews?.schedule ?? 'quarterly'),
    reminderSchedule: 'cron(0 9 * * ? *)',
    digestSchedule: 'cron(0 8 * * ? *)',
    baselineSchedule: toSchedulerCron(baselineCron(config.baseline.schedule)),
    baselineState: config.baseline.enabled ? 'ENABLED' : 'DISABLED',
    securityHub: config.notifications.securityHub ? 'true' : 'false',
    chatbotTopicArn: config.notifications.chatbotTopicArn ?? '',
  };
}

/** SSM parameter prefix of the Slack webhooks (the roles allow exactly the configured parameters under it). */
export const SLACK_PARAMETER_PREFIX = '/tpguard/slack/';

/** Every contact of the configuration that may name a Slack webhook, with where it is. */
function slackContacts(config: TpguardConfig): [string, { slack?: string } | undefined][] {
  const contacts: [string, { slack?: string } | undefined][] = [['owners.default', config.owners.default]];
  for (const [team, c] of Object.entries(config.owners.teams)) contacts.push([`owners.teams.${team}`, c]);
  contacts.push(['reviews.reviewers', config.reviews?.reviewers], ['reviews.escalateTo', config.reviews?.escalateTo]);
  return contacts;
}

/**
 * The SSM parameters (`ssm:<name>`) the configured Slack webhooks live in, sorted and unique:
 * the only parameters the function roles may read.
 * @example slackParameterNames(config) // ['/tpguard/slack/ml-platform']
 */
export function slackParameterNames(config: TpguardConfig): string[] {
  const names = slackContacts(config).flatMap(([, c]) => (c?.slack?.startsWith('ssm:') ? [c.slack.slice(4)] : []));
  return [...new Set(names)].sort();
}

/**
 * Slack references `ssm:<name>` outside `/tpguard/slack/` would fail at run time with
 * AccessDenied: refuse them at package time instead, naming the owner.
 */
export function slackParameterProblems(config: TpguardConfig): string[] {
  const problems: string[] = [];
  for (const [where, c] of slackContacts(config)) {
    const ref = c?.slack;
    if (ref?.startsWith('ssm:') && !ref.slice(4).startsWith(SLACK_PARAMETER_PREFIX)) {
      problems.push(
        `${where}.slack: ${ref}: deployed functions may only read parameters under ${SLACK_PARAMETER_PREFIX}`,
      );
    }
  }
  return problems;
}
