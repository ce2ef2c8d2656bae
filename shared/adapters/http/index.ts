export {
  createSlackSender,
  postSlackWebhook,
  type RetryLog,
  type WebhookOptions,
  type WebhookResolver,
} from './slack-webhook.js';
