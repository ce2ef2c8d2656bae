/**
 * Ingest function: CloudTrail management events delivered by the generated EventBridge rules
 * (shared/sources/cloudtrail.ts routes them here).
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, ingestFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(ingestFunction('ingest-cloudtrail'));
