import { type StateChangeShape, stateChangeNormalizer, stateChangeSource } from './state-change.js';

/**
 * The SageMaker state-change events of the training pipeline, by detail-type.
 * Endpoint and batch-transform events are not part of training and are rejected.
 */
export const SAGEMAKER_STATE_SHAPES: Readonly<Record<string, StateChangeShape>> = Object.freeze({
  'SageMaker Training Job State Change': {
    resourceType: 'sagemaker-training-job',
    idFields: ['TrainingJobName'],
    arnFields: ['TrainingJobArn'],
  },
  'SageMaker HyperParameter Tuning Job State Change': {
    resourceType: 'sagemaker-tuning-job',
    idFields: ['HyperParameterTuningJobName'],
    arnFields: ['HyperParameterTuningJobArn'],
  },
  'SageMaker Processing Job State Change': {
    resourceType: 'sagemaker-processing-job',
    idFields: ['ProcessingJobName'],
    arnFields: ['ProcessingJobArn'],
  },
  'SageMaker Model Building Pipeline Execution Status Change': {
    resourceType: 'sagemaker-pipeline',
    idFields: [],
    arnFields: ['pipelineArn'],
  },
  'SageMaker Model Building Pipeline Execution Step Status Change': {
    resourceType: 'sagemaker-pipeline',
    idFields: [],
    arnFields: ['pipelineArn'],
  },
  'SageMaker Model Package State Change': {
    resourceType: 'sagemaker-model-package',
    idFields: [],
    arnFields: ['ModelPackageArn'],
  },
});

/** Normalizes a SageMaker state-change event (training, tuning, processing, pipelines, model packages). */
export const normalizeSageMakerStateChange = stateChangeNormalizer('sagemaker', SAGEMAKER_STATE_SHAPES);

/** SageMaker state changes (`aws.sagemaker`). */
export const sagemakerStateSource = stateChangeSource('sagemaker-state', 'sagemaker', SAGEMAKER_STATE_SHAPES);
