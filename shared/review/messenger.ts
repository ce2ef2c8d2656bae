import { dispatch, type Dispatcher } from '../notify/index.js';
import type { ReviewMessage, ReviewMessenger } from './ports.js';

/**
 * Review messages on the alert channels, through the alerts feature's dispatcher: e-mail via the
 * SNS topic (deployed) or the outbox and SMTP (local), Slack via the contact's webhook reference.
 * In the outbox and the console a review message names its task in `resourceId`. E-mail carries
 * the SNS attributes `owner` (the task owner, or `escalation`), `transition` (the message kind)
 * and `taskId`, so reviewers subscribe with a filter policy such as `{"owner": ["reviewers"]}`.
 * @example const messenger = createReviewMessenger(createOutboxDispatcher({ dataDir: '.tpguard', clock }))
 */
export function createReviewMessenger(dispatcher: Dispatcher): ReviewMessenger {
  return {
    send: async (m: ReviewMessage) => {
      const about = { kind: m.kind, owner: m.owner, resourceId: m.taskId, eventId: `${m.kind}:${m.taskId}` };
      if (m.email.length > 0 && dispatcher.email) {
        const attributes = { owner: m.owner, transition: m.kind, taskId: m.taskId };
        await dispatch(dispatcher, {
          ...about,
          channel: 'email',
          to: m.email,
          payload: { subject: m.subject, text: m.text, attributes },
        });
      }
      if (m.slack && dispatcher.slack)
        await dispatch(dispatcher, { ...about, channel: 'slack', to: [m.slack], payload: m.slackPayload });
    },
  };
}
