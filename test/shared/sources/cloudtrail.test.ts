import { describe, expect, it } from 'vitest';
import {
  isCloudTrailRecord,
  normalizeCloudTrail,
  syntheticId,
  tagsFromList,
} from '../../../shared/sources/cloudtrail.js';
import { UnsupportedEventError } from '../../../shared/sources/errors.js';
import { loadShape, type Json } from '../../helpers/fixtures.js';
import { MAX_REGEX_INPUT } from '../../../shared/kernel/index.js';
import { measureWork, workOf } from '../../helpers/work.js';

describe('Function: normalizeCloudTrail', () => {
  it('reads an EventBridge "AWS API Call via CloudTrail" event', () => {
    // Prepare
    const event = loadShape<Json>('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json');

    // Act
    const obs = normalizeCloudTrail(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: '3c5e9a71-2b84-4d6f-9e13-7a0c5b8d2f46',
      eventTime: '2026-11-02T10:12:44.000Z',
      source: 'cloudtrail',
      account: '111122223333',
      region: 'eu-west-1',
      actor: {
        arn: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/asmith',
        type: 'AssumedRole',
        accountId: '111122223333',
        sessionIssuerArn: 'arn:aws:iam::111122223333:role/PlatformAdmin',
        sourceIp: '203.0.113.45',
      },
      resources: [
        {
          type: 's3-bucket',
          id: 'ml-training-vision-raw',
          name: 'ml-training-vision-raw',
          arn: 'arn:aws:s3:::ml-training-vision-raw',
        },
      ],
      trigger: {
        detailType: 'AWS API Call via CloudTrail',
        eventSource: 's3.amazonaws.com',
        eventName: 'PutBucketVersioning',
      },
    });
    expect(obs.detail).toBe(event.detail);
    expect(obs.raw).toBe(event);
    expect(obs.errorCode).toBeUndefined();
  });

  it('takes the CloudTrail eventID as the id of a raw record', () => {
    // Prepare
    const record = loadShape<Json>('cloudtrail-record-kms-schedule-key-deletion.json');

    // Act
    const obs = normalizeCloudTrail(record);

    // Assess
    expect(obs.eventId).toBe('a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d');
    expect(obs.eventTime).toBe('2026-11-02T10:31:09.000Z');
    expect(obs.trigger).toEqual({
      detailType: 'AWS API Call via CloudTrail',
      eventSource: 'kms.amazonaws.com',
      eventName: 'ScheduleKeyDeletion',
    });
    expect(obs.resources).toEqual([
      {
        type: 'kms-key',
        // A key named by ARN is keyed by its key id, like the same key named by id elsewhere.
        id: '1234abcd-12ab-34cd-56ef-1234567890ab',
        name: '1234abcd-12ab-34cd-56ef-1234567890ab',
        arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ]);
    expect(obs.raw).toBe(record);
  });

  it('keeps a failed call as an observation with its errorCode', () => {
    // Prepare
    const record = loadShape<Json>('cloudtrail-log-file.json').Records[2];

    // Act
    const obs = normalizeCloudTrail(record);

    // Assess
    expect(obs.errorCode).toBe('AccessDenied');
    expect(obs.actor?.arn).toBe('arn:aws:sts::111122223333:assumed-role/dev-jumpbox/i-0f9e8d7c6b5a43210');
    expect(obs.resources.map((r) => r.id)).toEqual(['ml-training-vision-raw']);
  });

  it('names the resources of each service from the request parameters', () => {
    // Prepare
    const cases: [string, Json, { type: string; id: string; arn?: string }[]][] = [
      [
        'ecr.amazonaws.com',
        { repositoryName: 'ml/vision-trainer' },
        [
          {
            type: 'ecr-repository',
            id: 'ml/vision-trainer',
            arn: 'arn:aws:ecr:eu-west-1:111122223333:repository/ml/vision-trainer',
          },
          { type: 'ecr-registry', id: '111122223333' },
        ],
      ],
      [
        'iam.amazonaws.com',
        { roleName: 'SageMakerTrainingExecution' },
        [
          {
            type: 'iam-role',
            id: 'SageMakerTrainingExecution',
            arn: 'arn:aws:iam::111122223333:role/SageMakerTrainingExecution',
          },
        ],
      ],
      [
        'ec2.amazonaws.com',
        { groupId: 'sg-0ml7f3a9c1d2e4b56' },
        [
          {
            type: 'security-group',
            id: 'sg-0ml7f3a9c1d2e4b56',
            arn: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0ml7f3a9c1d2e4b56',
          },
        ],
      ],
      [
        'sagemaker.amazonaws.com',
        { trainingJobName: 'Vision-Job-1' },
        [
          {
            type: 'sagemaker-training-job',
            id: 'Vision-Job-1',
            arn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/vision-job-1',
          },
        ],
      ],
      [
        'sagemaker.amazonaws.com',
        { hyperParameterTuningJobName: 'hpo-1' },
        [
          {
            type: 'sagemaker-tuning-job',
            id: 'hpo-1',
            arn: 'arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/hpo-1',
          },
        ],
      ],
      [
        'sagemaker.amazonaws.com',
        { pipelineName: 'ml-vision-train' },
        [
          {
            type: 'sagemaker-pipeline',
            id: 'ml-vision-train',
            arn: 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/ml-vision-train',
          },
        ],
      ],
      [
        'bedrock.amazonaws.com',
        { jobName: 'ft-1' },
        [
          {
            type: 'bedrock-customization-job',
            id: 'ft-1',
            arn: 'arn:aws:bedrock:eu-west-1:111122223333:model-customization-job/ft-1',
          },
          { type: 'bedrock-logging', id: '111122223333' },
        ],
      ],
      ['cloudtrail.amazonaws.com', { name: 'org-audit-trail' }, [{ type: 'cloudtrail-trail', id: 'org-audit-trail' }]],
      ['sts.amazonaws.com', { roleArn: 'arn:aws:iam::111122223333:role/x' }, []],
    ];
    for (const [eventSource, requestParameters, expected] of cases) {
      const record = {
        eventSource,
        eventName: 'Anything',
        awsRegion: 'eu-west-1',
        recipientAccountId: '111122223333',
        requestParameters,
      };

      // Act
      const obs = normalizeCloudTrail(record);

      // Assess
      expect(obs.resources, eventSource).toMatchObject(expected);
      expect(obs.resources).toHaveLength(expected.length);
    }
  });

  it('attaches CreateTrainingJob tags to the job, so tag scopes work', () => {
    // Prepare
    const record = {
      eventSource: 'sagemaker.amazonaws.com',
      eventName: 'CreateTrainingJob',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
      requestParameters: { trainingJobName: 'llm-finetune-jdoe-experiment-7', tags: [{ key: 'owner', value: 'nlp' }] },
    };

    // Act
    const obs = normalizeCloudTrail(record);

    // Assess
    expect(obs.resources[0]).toMatchObject({
      type: 'sagemaker-training-job',
      id: 'llm-finetune-jdoe-experiment-7',
      tags: { owner: 'nlp' },
    });
  });

  it('takes an ARN from the record resources[] when the request named only an id', () => {
    // Prepare
    const record = {
      eventSource: 'kms.amazonaws.com',
      eventName: 'DisableKey',
      requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
      resources: [
        {
          accountId: '111122223333',
          type: 'AWS::KMS::Key',
          ARN: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      ],
    };

    // Act
    const obs = normalizeCloudTrail(record);

    // Assess
    expect(obs.resources[0]?.arn).toBe('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  });

  it('falls back to the envelope, then to the caller, for account and region, and to a stable synthetic id', () => {
    // Prepare
    const minimal = {
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketAcl',
      userIdentity: { accountId: '444455556666' },
      requestParameters: { bucketName: 'b' },
    };

    // Act
    const bare = normalizeCloudTrail(structuredClone(minimal));
    const again = normalizeCloudTrail(structuredClone(minimal));
    const enveloped = normalizeCloudTrail(structuredClone(minimal), {
      id: 'env-1',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-11-02T10:00:00Z',
    });

    // Assess
    expect(bare).toMatchObject({ account: '444455556666', region: 'unknown', eventTime: '1970-01-01T00:00:00.000Z' });
    expect(bare.eventId).toMatch(/^ct-[0-9a-f]{24}$/);
    expect(again.eventId).toBe(bare.eventId);
    expect(enveloped).toMatchObject({
      eventId: 'env-1',
      account: '111122223333',
      region: 'eu-west-1',
      eventTime: '2026-11-02T10:00:00.000Z',
    });
  });

  it('rejects a record without eventSource or with requestParameters that is not an object', () => {
    // Prepare
    const noSource = { eventName: 'PutBucketPolicy' };
    const badParams = {
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPolicy',
      requestParameters: 'bucketName=x',
    };

    // Act & Assess
    expect(() => normalizeCloudTrail(noSource)).toThrow(UnsupportedEventError);
    expect(() => normalizeCloudTrail(badParams)).toThrow('requestParameters is not an object');
  });
});

describe('Function: isCloudTrailRecord', () => {
  it('recognizes records by eventSource host and eventName', () => {
    // Prepare
    const record = loadShape<Json>('cloudtrail-record-kms-schedule-key-deletion.json');

    // Act & Assess
    expect(isCloudTrailRecord(record)).toBe(true);
    expect(isCloudTrailRecord({ eventSource: 'aws:sqs', eventName: 'x' })).toBe(false);
    expect(isCloudTrailRecord({ eventSource: 's3.amazonaws.com' })).toBe(false);
  });
});

describe('Function: tagsFromList', () => {
  it('reads [{key, value}] and [{Key, Value}] lists and ignores the rest', () => {
    // Act
    const lower = tagsFromList([{ key: 'owner', value: 'nlp' }, { key: 'x' }, 'junk']);
    const upper = tagsFromList([{ Key: 'ml:pipeline', Value: 'training' }]);

    // Assess
    expect(lower).toEqual({ owner: 'nlp' });
    expect(upper).toEqual({ 'ml:pipeline': 'training' });
    expect(tagsFromList([])).toBeUndefined();
    expect(tagsFromList({ owner: 'nlp' })).toBeUndefined();
  });
});

describe('Function: syntheticId', () => {
  it('is stable for equal values and differs for different ones', () => {
    // Act & Assess
    expect(syntheticId('ct', { a: 1 })).toBe(syntheticId('ct', { a: 1 }));
    expect(syntheticId('ct', { a: 1 })).not.toBe(syntheticId('ct', { a: 2 }));
  });
});

describe('Function: normalizeCloudTrail (canonical resource ids)', () => {
  const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) => ({
    eventSource,
    eventName,
    eventID: 'e-1',
    eventTime: '2026-11-02T10:00:00Z',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    requestParameters,
  });

  it('keys a Lambda function named by ARN by its name', () => {
    // Prepare
    const byArn = call('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {
      functionName: 'arn:aws:lambda:eu-west-1:111122223333:function:tpguard-prod-notify',
    });
    const byName = call('lambda.amazonaws.com', 'DeleteFunction20150331', { functionName: 'tpguard-prod-notify' });

    // Act
    const [a] = normalizeCloudTrail(byArn).resources;
    const [b] = normalizeCloudTrail(byName).resources;

    // Assess
    expect(a?.id).toBe('tpguard-prod-notify');
    expect(a?.id).toBe(b?.id);
    expect(a?.arn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:tpguard-prod-notify');
  });

  it('keeps a KMS alias ARN as alias/<name> and a trail ARN as the trail name', () => {
    // Prepare
    const alias = call('kms.amazonaws.com', 'DisableKey', {
      keyId: 'arn:aws:kms:eu-west-1:111122223333:alias/ml-training',
    });
    const trail = call('cloudtrail.amazonaws.com', 'StopLogging', {
      name: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
    });

    // Act
    const [key] = normalizeCloudTrail(alias).resources;
    const [t] = normalizeCloudTrail(trail).resources;

    // Assess
    expect(key?.id).toBe('alias/ml-training');
    expect(t?.id).toBe('org-trail');
  });
});

describe('Function: normalizeCloudTrail on hostile resource names (attack 13)', () => {
  /** The attack of issue 13: `/:(key\/.+|alias\/.+)$/` retried at every `:key/`, quadratic. */
  const hostileKey = (n: number) => ({
    eventSource: 'kms.amazonaws.com',
    eventName: 'DisableKey',
    eventID: 'e-13',
    eventTime: '2026-11-02T10:00:00Z',
    requestParameters: { keyId: `arn:${':key/a'.repeat(n)}\n` },
  });

  it('runs no regular expression on more than MAX_REGEX_INPUT characters of a 12 KB key id', () => {
    // Act
    const work = measureWork(() => normalizeCloudTrail(hostileKey(2_000)));

    // Assess
    expect(work.result.resources).toHaveLength(1);
    expect(work.longestRegexInput).toBeLessThanOrEqual(MAX_REGEX_INPUT);
  });

  it('does work linear in the length of the key id', () => {
    // Act
    const [small, large] = [2_000, 4_000].map((n) => workOf(measureWork(() => normalizeCloudTrail(hostileKey(n)))));

    // Assess
    expect(large!).toBeLessThanOrEqual(2 * small! + 16);
  });
});

describe('Function: normalizeCloudTrail (Lambda qualifiers and EventBridge buses, attacks 6 and 7)', () => {
  const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) =>
    normalizeCloudTrail({
      eventSource,
      eventName,
      eventID: 'e-1',
      eventTime: '2026-11-02T10:00:00Z',
      awsRegion: 'eu-west-1',
      recipientAccountId: '111122223333',
      requestParameters,
    }).resources[0];

  it('keys a Lambda function by its name whatever the qualifier or partial ARN', () => {
    // Act & Assess
    for (const functionName of [
      'tpguard-prod-notify',
      'tpguard-prod-notify:live',
      'tpguard-prod-notify:7',
      '111122223333:function:tpguard-prod-notify',
      '111122223333:function:tpguard-prod-notify:live',
      'arn:aws:lambda:eu-west-1:111122223333:function:tpguard-prod-notify:live',
    ])
      expect(call('lambda.amazonaws.com', 'AddPermission20150331v2', { functionName }), functionName).toMatchObject({
        id: 'tpguard-prod-notify',
        name: 'tpguard-prod-notify',
      });
  });

  it('keys an EventBridge rule by bus and name, the bare name on the default bus', () => {
    // Act & Assess
    expect(call('events.amazonaws.com', 'DisableRule', { name: 'tpguard-x' })).toMatchObject({
      id: 'tpguard-x',
      name: 'tpguard-x',
    });
    expect(call('events.amazonaws.com', 'EnableRule', { name: 'tpguard-x', eventBusName: 'default' })?.id).toBe(
      'tpguard-x',
    );
    expect(call('events.amazonaws.com', 'EnableRule', { name: 'tpguard-x', eventBusName: 'decoy-bus' })).toMatchObject({
      id: 'decoy-bus/tpguard-x',
      name: 'tpguard-x',
      arn: 'arn:aws:events:eu-west-1:111122223333:rule/decoy-bus/tpguard-x',
    });
    expect(
      call('events.amazonaws.com', 'PutTargets', {
        rule: 'tpguard-x',
        eventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/decoy-bus',
      })?.id,
    ).toBe('decoy-bus/tpguard-x');
  });
});
