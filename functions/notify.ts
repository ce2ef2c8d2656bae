/**
 * Notify function: one drift transition from the tpguard bus to email (SNS), Slack, Chatbot and
 * Security Hub, once per channel.
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { createFunction, notifyFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(notifyFunction());
