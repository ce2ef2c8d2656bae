import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load.js';
import { FileLoadError } from '../../../shared/kernel/index.js';

function problem(yaml: string): string {
  try {
    parseConfig(yaml, 'tpguard.config.yaml');
  } catch (err) {
    if (err instanceof FileLoadError) return err.toLine();
    throw err;
  }
  return 'no error';
}

describe('Schema: notifications', () => {
  it('defaults every key, so a configuration without the section still loads', () => {
    // Act
    const config = parseConfig('scope: {}', 'tpguard.config.yaml');
    // Assess
    expect(config.notifications).toEqual({
      minSeverity: 'medium',
      escalateAfterHours: 24,
      securityHub: false,
      consoleBaseUrl: 'https://console.aws.amazon.com',
      digest: true,
    });
  });

  it('reads the options', () => {
    // Act
    const config = parseConfig(
      [
        'notifications:',
        '  minSeverity: high',
        '  escalateAfterHours: 0',
        '  securityHub: true',
        '  chatbotTopicArn: arn:aws:sns:eu-west-1:111122223333:tpguard-chat',
        '  consoleBaseUrl: https://console.amazonaws-us-gov.com',
        "  runbookUrl: 'https://wiki.example.com/tpguard/{ruleId}'",
      ].join('\n'),
      'tpguard.config.yaml',
    );
    // Assess
    expect(config.notifications).toMatchObject({
      minSeverity: 'high',
      escalateAfterHours: 0,
      securityHub: true,
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-chat',
      runbookUrl: 'https://wiki.example.com/tpguard/{ruleId}',
    });
  });

  it('refuses unknown keys and bad values with the path', () => {
    expect(problem('notifications:\n  minSeverty: high')).toBe(
      'tpguard.config.yaml: unknown key notifications.minSeverty',
    );
    expect(problem('notifications:\n  minSeverity: urgent')).toMatch(
      /^tpguard\.config\.yaml: notifications\.minSeverity: /,
    );
    expect(problem('notifications:\n  escalateAfterHours: -1')).toMatch(
      /^tpguard\.config\.yaml: notifications\.escalateAfterHours: /,
    );
    expect(problem('notifications:\n  chatbotTopicArn: my-topic')).toBe(
      'tpguard.config.yaml: notifications.chatbotTopicArn: chatbotTopicArn is an SNS topic ARN',
    );
    expect(problem('notifications:\n  consoleBaseUrl: http://console.example.com')).toMatch(
      /^tpguard\.config\.yaml: notifications\.consoleBaseUrl: /,
    );
    expect(problem('notifications:\n  runbookUrl: https://wiki.example.com/runbooks')).toBe(
      'tpguard.config.yaml: notifications.runbookUrl: runbookUrl names the rule with {ruleId}',
    );
    expect(problem("notifications:\n  runbookUrl: 'http://wiki.example.com/{ruleId}'")).toMatch(
      /^tpguard\.config\.yaml: notifications\.runbookUrl: /,
    );
  });
});
