import { describe, expect, it } from 'vitest';
import { intake, intakeRecord, type IntakeResult } from '../../../shared/sources/intake.js';
import { SUPPORTED_DETAIL_TYPES } from '../../../shared/sources/registry.js';
import { loadShape, type Json } from '../../helpers/fixtures.js';

const ids = (results: IntakeResult[]) =>
  results.map((r) => (r.ok ? r.observation.eventId : `rejected ${r.rejection.where}`));

describe('Function: intake', () => {
  it('routes each EventBridge detail-type to its normalizer', () => {
    // Prepare
    const files = [
      ['eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json', 'cloudtrail'],
      ['guardduty-finding-s3-exfiltration.json', 'guardduty'],
      ['guardduty-malware-scan-result.json', 'guardduty'],
      ['config-item-change-s3-bucket.json', 'config'],
      ['config-rules-compliance-change.json', 'config'],
      ['sagemaker-training-job-state-change.json', 'sagemaker'],
      ['bedrock-model-customization-job-state-change.json', 'bedrock'],
    ] as const;
    for (const [file, source] of files) {
      // Act
      const results = [...intake(loadShape(file), file)];

      // Assess
      expect(results, file).toHaveLength(1);
      expect(results[0], file).toMatchObject({ ok: true, where: file, observation: { source } });
    }
  });

  it('unwraps a CloudTrail log file record by record, naming each by index', () => {
    // Prepare
    const log = loadShape('cloudtrail-log-file.json');

    // Act
    const results = [...intake(log, 'trail.json')];

    // Assess
    expect(results.map((r) => r.ok && r.where)).toEqual(['trail.json:0', 'trail.json:1', 'trail.json:2']);
    expect(ids(results)).toEqual([
      '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e01',
      '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e02',
      '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e03',
    ]);
  });

  it('unwraps JSON arrays of events', () => {
    // Prepare
    const events = loadShape<Json[]>('eventbridge-events-array.json');

    // Act
    const results = [...intake(events, 'events.json')];

    // Assess
    expect(ids(results)).toEqual(['5d0b7a3e-0f2c-4a5e-9d61-2b7c8e9f1a01', '5d0b7a3e-0f2c-4a5e-9d61-2b7c8e9f1a02']);
    expect(results.map((r) => r.ok && r.observation.trigger.eventName)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'PutImage',
    ]);
  });

  it('unwraps SNS deliveries whose Message holds the EventBridge event as a JSON string', () => {
    // Prepare
    const sns = loadShape('sns-wrapped-guardduty-finding.json');

    // Act
    const results = [...intake(sns, 'sns.json')];

    // Assess
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      ok: true,
      where: 'sns.json:0',
      observation: {
        eventId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c01',
        trigger: { findingType: 'UnauthorizedAccess:IAMUser/TorIPCaller' },
      },
    });
  });

  it('unwraps SQS messages whose body holds the event', () => {
    // Prepare
    const event = loadShape('guardduty-malware-scan-result.json');
    const sqs = {
      Records: [
        {
          messageId: 'm-1',
          eventSource: 'aws:sqs',
          body: JSON.stringify(event),
          eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:q',
        },
      ],
    };

    // Act
    const results = [...intake(sqs, 'sqs.json')];

    // Assess
    expect(ids(results)).toEqual(['0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01']);
  });

  it('reads raw GuardDuty findings and raw configuration items without an envelope', () => {
    // Prepare
    const finding = loadShape<Json>('guardduty-finding-ec2-instance.json').detail;
    const item = loadShape<Json>('config-item-change-s3-bucket.json').detail.configurationItem;

    // Act
    const results = [...intake([finding, item], 'raw.json')];

    // Assess
    expect(results.map((r) => r.ok && r.observation.source)).toEqual(['guardduty', 'config']);
  });

  it('rejects every other shape with a reason naming the record, and never throws', () => {
    // Prepare
    const malformedSns = {
      Records: [{ Sns: { Message: '{"detail-type": ' } }, { Sns: { Message: { already: 'object' } } }],
    };
    const inputs: [unknown, string][] = [
      [
        { 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {} },
        'unsupported event: source aws.ec2, detail-type "EC2 Instance State-change Notification"',
      ],
      [
        { 'detail-type': 'GuardDuty Finding', source: ['aws.guardduty'], detail: {} },
        'envelope field "source" must be a string (got array)',
      ],
      [{ 'detail-type': 42, source: 'aws.s3', detail: {} }, 'envelope field "detail-type" must be a string'],
      [
        { 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: 'x' },
        '"GuardDuty Finding" event without a detail object',
      ],
      [
        { 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: { id: 'f' } },
        'GuardDuty finding without type',
      ],
      [{ SchemaVersion: '2.0', Type: 'Recon:EC2/PortProbeUnprotectedPort' }, 'PascalCase SDK shape'],
      [{ hello: 'world' }, 'unrecognized event shape'],
      ['a string', 'expected a JSON object, got string'],
      [null, 'expected a JSON object, got null'],
      [{ Records: [7] }, 'expected a JSON object, got number'],
    ];
    for (const [input, reason] of inputs) {
      // Act
      const results = [...intake(input, 'f.json')];

      // Assess
      expect(results, reason).toHaveLength(1);
      expect(results[0]).toMatchObject({ ok: false });
      const rejection = (results[0] as Extract<IntakeResult, { ok: false }>).rejection;
      expect(rejection.reason).toContain(reason);
      expect(rejection.where).toMatch(/^f\.json(:\d+)?$/);
      expect(rejection.reason).not.toContain('\n');
    }
    expect([...intake(malformedSns, 'sns.json')].map((r) => !r.ok && r.rejection)).toEqual([
      { where: 'sns.json:0', reason: expect.stringContaining('SNS Message: invalid JSON') },
      { where: 'sns.json:1', reason: 'SNS Message is not a JSON string' },
    ]);
  });

  it('keeps the good records of a file when one is bad', () => {
    // Prepare
    const log = loadShape<Json>('cloudtrail-log-file.json');
    log.Records.splice(1, 0, { eventName: 'NoSource' });

    // Act
    const results = [...intake(log, 'trail.json')];

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true]);
    expect(results[1]).toMatchObject({ ok: false, rejection: { where: 'trail.json:1' } });
  });

  it('stops at nesting that no real delivery has', () => {
    // Prepare
    let value: unknown = loadShape('guardduty-malware-scan-result.json');
    for (let i = 0; i < 6; i++) value = [value];

    // Act
    const results = [...intake(value, 'deep.json')];

    // Assess
    expect(results).toEqual([
      { ok: false, rejection: { where: 'deep.json:0:0:0:0:0', reason: 'event nested too deeply' } },
    ]);
  });

  it('accepts exactly the documented detail-types', () => {
    // Assess
    expect([...SUPPORTED_DETAIL_TYPES].sort()).toEqual([
      'AWS API Call via CloudTrail',
      'AWS Console Sign In via CloudTrail',
      'AWS Service Event via CloudTrail',
      'Config Configuration Item Change',
      'Config Rules Compliance Change',
      'GuardDuty Finding',
      'GuardDuty Malware Protection Object Scan Result',
      'Model Customization Job State Change',
      'SageMaker HyperParameter Tuning Job State Change',
      'SageMaker Model Building Pipeline Execution Status Change',
      'SageMaker Model Building Pipeline Execution Step Status Change',
      'SageMaker Model Package State Change',
      'SageMaker Processing Job State Change',
      'SageMaker Training Job State Change',
    ]);
  });
});

describe('Function: intakeRecord', () => {
  it('reads one element of a Records array like the whole file would', () => {
    // Prepare
    const log = loadShape<Json>('cloudtrail-log-file.json');

    // Act
    const one = [...intakeRecord(log.Records[1], 'trail.json:1')];

    // Assess
    expect(one).toEqual([...intake(log, 'trail.json')].slice(1, 2));
  });
});
