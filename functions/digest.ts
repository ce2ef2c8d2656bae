/**
 * Digest function (EventBridge Scheduler, daily): escalations of long-open drift, then one digest
 * per owner and channel.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, digestFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(digestFunction());
