/**
 * Baseline function (EventBridge Scheduler, `baseline.schedule`, and on demand: `npm run baseline`):
 * the current state of every resource type the pack has whole-state rules for, through the ingest
 * path; drift it opens is marked origin: baseline and alerted as one summary per owner.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { baselineFunction, createFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(baselineFunction());
