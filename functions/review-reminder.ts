/**
 * Review reminder (EventBridge Scheduler, daily in `reviews.timezone`): reminders before the due
 * date, one escalation once overdue, and drift whose exception expired reopened.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, reviewReminderFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(reviewReminderFunction());
