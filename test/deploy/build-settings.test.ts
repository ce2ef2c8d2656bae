import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../shared/config/index.js';
import { ScheduleConversionError } from '../../scripts/build-errors.js';
import {
  deploySettings,
  slackParameterNames,
  slackParameterProblems,
  toSchedulerCron,
} from '../../scripts/build-settings.js';

describe('Function: toSchedulerCron', () => {
  it('expands quarterly to 09:00 on the first day of each quarter', () => {
    // Act
    const cron = toSchedulerCron('quarterly');

    // Assess
    expect(cron).toBe('cron(0 9 1 1,4,7,10 ? *)');
  });

  it.each([
    ['0 9 1 */3 *', 'cron(0 9 1 */3 ? *)'],
    ['30 7 * * 1-5', 'cron(30 7 ? * MON-FRI *)'],
    ['0 8 * * 0,7', 'cron(0 8 ? * SUN,SUN *)'],
    ['0 0 9 1 1,4,7,10 *', 'cron(0 9 1 1,4,7,10 ? *)'],
    ['15 6 * * *', 'cron(15 6 * * ? *)'],
  ])('converts %s to %s', (input, expected) => {
    // Act
    const cron = toSchedulerCron(input);

    // Assess
    expect(cron).toBe(expected);
  });

  it.each([
    ['0 9 1 * 1', 'cannot combine'],
    ['0 9 * * */2', 'no step'],
    ['@daily', '5 fields'],
    ['30 0 9 * * *', '5 fields'],
    ['0 9 * * 8', 'out of range'],
  ])('refuses %s', (input, reason) => {
    // Act
    const act = () => toSchedulerCron(input);

    // Assess
    expect(act).toThrow(ScheduleConversionError);
    expect(act).toThrow(reason);
  });
});

describe('Function: deploySettings', () => {
  it('schedules the baseline weekly (Monday 05:00) by default, a cron expression when given, disabled by the flag', () => {
    // Act
    const weekly = deploySettings(ConfigSchema.parse({}), 'abc123');
    const custom = deploySettings(ConfigSchema.parse({ baseline: { schedule: '30 2 * * 0', enabled: false } }), 'a');

    // Assess
    expect([weekly.baselineSchedule, weekly.baselineState]).toEqual(['cron(0 5 ? * MON *)', 'ENABLED']);
    expect([custom.baselineSchedule, custom.baselineState]).toEqual(['cron(30 2 ? * SUN *)', 'DISABLED']);
  });

  it('uses UTC and the quarterly review when the configuration has no reviews section', () => {
    // Prepare
    const config = ConfigSchema.parse({});

    // Act
    const settings = deploySettings(config, 'abc123');

    // Assess
    expect(settings).toMatchObject({
      packVersion: 'abc123',
      timezone: 'UTC',
      reviewSchedule: 'cron(0 9 1 1,4,7,10 ? *)',
      securityHub: 'false',
      chatbotTopicArn: '',
    });
  });

  it('takes the timezone, the review schedule and the opt-ins from the configuration', () => {
    // Prepare
    const config = ConfigSchema.parse({
      reviews: { timezone: 'Europe/Zurich', schedule: '0 10 15 1,7 *', reviewers: { email: ['grc@example.com'] } },
      notifications: { securityHub: true, chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat' },
    });

    // Act
    const settings = deploySettings(config, 'v1');

    // Assess
    expect(settings).toMatchObject({
      timezone: 'Europe/Zurich',
      reviewSchedule: 'cron(0 10 15 1,7 ? *)',
      securityHub: 'true',
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
    });
  });
});

describe('Function: slackParameterProblems', () => {
  it('accepts parameters under /tpguard/slack/ and environment variables', () => {
    // Prepare
    const config = ConfigSchema.parse({
      owners: { default: { slack: 'ssm:/tpguard/slack/security' }, teams: { nlp: { slack: 'env:SLACK_NLP' } } },
    });

    // Act
    const problems = slackParameterProblems(config);

    // Assess
    expect(problems).toEqual([]);
  });

  it('names each owner whose parameter the functions may not read', () => {
    // Prepare
    const config = ConfigSchema.parse({
      owners: { default: { slack: 'ssm:/tpguard/slack/ok' }, teams: { vision: { slack: 'ssm:/prod/slack/vision' } } },
    });

    // Act
    const problems = slackParameterProblems(config);

    // Assess
    expect(problems).toEqual([
      'owners.teams.vision.slack: ssm:/prod/slack/vision: deployed functions may only read parameters under /tpguard/slack/',
    ]);
  });
});

describe('Function: slackParameterNames', () => {
  it('lists every ssm: Slack webhook of owners and reviews once, sorted, and no env: one', () => {
    // Prepare
    const config = ConfigSchema.parse({
      owners: {
        default: { slack: 'ssm:/tpguard/slack/security' },
        teams: {
          nlp: { slack: 'env:SLACK_NLP' },
          vision: { slack: 'ssm:/tpguard/slack/vision' },
          fraud: { slack: 'ssm:/tpguard/slack/security' },
        },
      },
      reviews: { reviewers: { email: ['leads@example.com'], slack: 'ssm:/tpguard/slack/leads' } },
    });

    // Act
    const names = slackParameterNames(config);

    // Assess
    expect(names).toEqual(['/tpguard/slack/leads', '/tpguard/slack/security', '/tpguard/slack/vision']);
  });
});
