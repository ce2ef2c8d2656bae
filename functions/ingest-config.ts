/**
 * Ingest function: AWS Config item and compliance changes, and SageMaker/Bedrock state changes,
 * delivered by the generated EventBridge rules (shared/sources/config-item.ts, state-change.ts route them here).
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, ingestFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(ingestFunction('ingest-config'));
