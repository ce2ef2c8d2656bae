import { type StateChangeShape, stateChangeNormalizer, stateChangeSource } from './state-change.js';

/** The Bedrock state-change events of the training pipeline (batch inference is not training). */
export const BEDROCK_STATE_SHAPES: Readonly<Record<string, StateChangeShape>> = Object.freeze({
  'Model Customization Job State Change': {
    resourceType: 'bedrock-customization-job',
    idFields: ['jobName'],
    arnFields: ['jobArn'],
  },
});

/** Normalizes a Bedrock model customization (fine-tuning) job state change. */
export const normalizeBedrockStateChange = stateChangeNormalizer('bedrock', BEDROCK_STATE_SHAPES);

/** Bedrock state changes (`aws.bedrock`). */
export const bedrockStateSource = stateChangeSource('bedrock-state', 'bedrock', BEDROCK_STATE_SHAPES);
