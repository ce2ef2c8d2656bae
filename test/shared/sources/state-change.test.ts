import { describe, expect, it } from 'vitest';
import { BEDROCK_STATE_SHAPES, normalizeBedrockStateChange } from '../../../shared/sources/bedrock-state.js';
import { normalizeSageMakerStateChange, SAGEMAKER_STATE_SHAPES } from '../../../shared/sources/sagemaker-state.js';
import { loadShape, type Json } from '../../helpers/fixtures.js';

const CASES = [
  {
    file: 'sagemaker-training-job-state-change.json',
    source: 'sagemaker',
    eventTime: '2026-11-02T09:49:58.000Z',
    resource: {
      type: 'sagemaker-training-job',
      id: 'vision-resnet50-2026-11-02-09-47-05',
      arn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/vision-resnet50-2026-11-02-09-47-05',
      tags: { owner: 'vision', 'ml:pipeline': 'training' },
    },
  },
  {
    file: 'sagemaker-tuning-job-state-change.json',
    source: 'sagemaker',
    eventTime: '2026-11-02T14:30:12.000Z',
    resource: {
      type: 'sagemaker-tuning-job',
      id: 'nlp-bert-hpo-20261102',
      arn: 'arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/nlp-bert-hpo-20261102',
      tags: { owner: 'nlp' },
    },
  },
  {
    file: 'sagemaker-pipeline-execution-status-change.json',
    source: 'sagemaker',
    eventTime: '2026-11-02T15:02:19.000Z',
    resource: {
      type: 'sagemaker-pipeline',
      id: 'ml-vision-train',
      arn: 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/ml-vision-train',
    },
  },
  {
    file: 'sagemaker-model-package-state-change.json',
    source: 'sagemaker',
    eventTime: '2026-11-02T16:20:44.000Z',
    resource: {
      type: 'sagemaker-model-package',
      id: 'vision-classifier/7',
      arn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/vision-classifier/7',
    },
  },
  {
    file: 'bedrock-model-customization-job-state-change.json',
    source: 'bedrock',
    eventTime: '2026-11-02T17:45:03.000Z',
    resource: {
      type: 'bedrock-customization-job',
      id: 'support-assistant-ft-20261102',
      arn: 'arn:aws:bedrock:eu-west-1:111122223333:model-customization-job/amazon.titan-text-express-v1:0:8k/k2x9p4m7q1zr',
    },
  },
] as const;

/** Every state-change detail-type tpguard reads, SageMaker's and Bedrock's. */
const STATE_CHANGE_SHAPES = { ...SAGEMAKER_STATE_SHAPES, ...BEDROCK_STATE_SHAPES };

/** The normalizer of the event's service (`aws.sagemaker` or `aws.bedrock`). */
const normalizeStateChange = (detail: Json, event: Json) =>
  (event.source === 'aws.bedrock' ? normalizeBedrockStateChange : normalizeSageMakerStateChange)(detail, event);

describe('Function: normalizeStateChange', () => {
  it.each(CASES)('reads $file', ({ file, source, eventTime, resource }) => {
    // Prepare
    const event = loadShape<Json>(file);

    // Act
    const obs = normalizeStateChange(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: event.id,
      eventTime,
      source,
      account: '111122223333',
      region: 'eu-west-1',
      trigger: { detailType: event['detail-type'] },
    });
    expect(obs.resources).toEqual([{ name: resource.id, ...resource }]);
    expect(obs.actor).toBeUndefined();
  });

  it('leaves out an empty Tags map', () => {
    // Prepare
    const event = loadShape<Json>('sagemaker-training-job-state-change.json');
    event.detail.Tags = {};

    // Act
    const obs = normalizeStateChange(event.detail, event);

    // Assess
    expect(obs.resources[0]).not.toHaveProperty('tags');
  });

  it('takes the job from the envelope resources when the detail names none', () => {
    // Prepare
    const event = loadShape<Json>('sagemaker-training-job-state-change.json');
    delete event.detail.TrainingJobName;
    delete event.detail.TrainingJobArn;

    // Act
    const obs = normalizeStateChange(event.detail, event);

    // Assess
    expect(obs.resources[0]?.id).toBe('vision-resnet50-2026-11-02-09-47-05');
  });

  it('rejects endpoint and batch-inference state changes: they are not training', () => {
    // Prepare
    const event = loadShape<Json>('sagemaker-training-job-state-change.json');
    event['detail-type'] = 'SageMaker Endpoint State Change';

    // Act & Assess
    expect(() => normalizeStateChange(event.detail, event)).toThrow(
      'unsupported state change "SageMaker Endpoint State Change"',
    );
    expect(Object.keys(STATE_CHANGE_SHAPES)).not.toContain('Batch Inference Job State Change');
  });

  it('rejects a state change that names no job', () => {
    // Prepare
    const event = loadShape<Json>('bedrock-model-customization-job-state-change.json');
    delete event.detail.jobName;
    delete event.detail.jobArn;
    event.resources = [];

    // Act & Assess
    expect(() => normalizeStateChange(event.detail, event)).toThrow('without a job name or ARN');
  });
});
