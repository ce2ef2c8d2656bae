import { rec, str } from '../kernel/index.js';
import { syntheticId } from './cloudtrail.js';
import { UnsupportedEventError } from './errors.js';
import { toIsoTime, UNKNOWN_TIME } from './time.js';
import type { Observation, ResourceRef, Source } from './types.js';

interface StateChangeShape {
  source: Source;
  resourceType: string;
  /** Fields of `detail` that name the resource, first match wins. */
  idFields: string[];
  arnFields: string[];
}

/**
 * The SageMaker and Bedrock state-change events of the training pipeline, by detail-type.
 * Endpoint and batch-inference events are not part of training and are rejected.
 */
export const STATE_CHANGE_SHAPES: Readonly<Record<string, StateChangeShape>> = Object.freeze({
  'SageMaker Training Job State Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-training-job',
    idFields: ['TrainingJobName'],
    arnFields: ['TrainingJobArn'],
  },
  'SageMaker HyperParameter Tuning Job State Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-tuning-job',
    idFields: ['HyperParameterTuningJobName'],
    arnFields: ['HyperParameterTuningJobArn'],
  },
  'SageMaker Processing Job State Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-processing-job',
    idFields: ['ProcessingJobName'],
    arnFields: ['ProcessingJobArn'],
  },
  'SageMaker Model Building Pipeline Execution Status Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-pipeline',
    idFields: [],
    arnFields: ['pipelineArn'],
  },
  'SageMaker Model Building Pipeline Execution Step Status Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-pipeline',
    idFields: [],
    arnFields: ['pipelineArn'],
  },
  'SageMaker Model Package State Change': {
    source: 'sagemaker',
    resourceType: 'sagemaker-model-package',
    idFields: [],
    arnFields: ['ModelPackageArn'],
  },
  'Model Customization Job State Change': {
    source: 'bedrock',
    resourceType: 'bedrock-customization-job',
    idFields: ['jobName'],
    arnFields: ['jobArn'],
  },
});

function resourceOf(
  shape: StateChangeShape,
  detail: Record<string, unknown>,
  envelope: Record<string, unknown>,
): ResourceRef {
  const arn =
    shape.arnFields.map((f) => str(detail, f)).find(Boolean) ??
    (Array.isArray(envelope.resources) && typeof envelope.resources[0] === 'string'
      ? envelope.resources[0]
      : undefined);
  // Without a name field, the id is the ARN's resource path: `pipeline/<name>` gives the name,
  // `model-package/<group>/<version>` gives `<group>/<version>` (not just the version number).
  const id =
    shape.idFields.map((f) => str(detail, f)).find(Boolean) ??
    (arn?.includes('/') ? arn.slice(arn.indexOf('/') + 1) : arn);
  if (!id) throw new UnsupportedEventError(`${shape.resourceType} state change without a job name or ARN`);
  const ref: ResourceRef = { type: shape.resourceType, id, name: id };
  if (arn) ref.arn = arn;
  const tags = Object.entries(rec(detail, 'Tags') ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (tags.length > 0) ref.tags = Object.fromEntries(tags);
  return ref;
}

/** Normalizes a SageMaker or Bedrock state-change event. */
export function normalizeStateChange(detail: Record<string, unknown>, envelope: Record<string, unknown>): Observation {
  const detailType = str(envelope, 'detail-type') ?? '';
  const shape = STATE_CHANGE_SHAPES[detailType];
  if (!shape) throw new UnsupportedEventError(`unsupported state change "${detailType}"`);
  return {
    eventId: str(envelope, 'id') || syntheticId('sc', envelope),
    eventTime: toIsoTime(envelope.time) ?? toIsoTime(detail.lastModifiedTime) ?? UNKNOWN_TIME,
    source: shape.source,
    account: str(envelope, 'account') || 'unknown',
    region: str(envelope, 'region') || 'unknown',
    resources: [resourceOf(shape, detail, envelope)],
    trigger: { detailType },
    detail,
    raw: envelope,
  };
}
