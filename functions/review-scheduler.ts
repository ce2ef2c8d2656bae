/**
 * Review scheduler (EventBridge Scheduler, `reviews.schedule` in `reviews.timezone`): opens the
 * period's review tasks.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, reviewSchedulerFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(reviewSchedulerFunction());
