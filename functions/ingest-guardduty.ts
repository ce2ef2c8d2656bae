/**
 * Ingest function: GuardDuty findings and Malware Protection scan results delivered by the generated
 * EventBridge rules (shared/sources/guardduty.ts routes them here); it also counts every finding's type
 * for the review's threat delta.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, ingestFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(ingestFunction('ingest-guardduty', { sightings: true }));
