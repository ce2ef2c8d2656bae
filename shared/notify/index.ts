export { renderFinding, validateFinding } from './asff.js';
export {
  BATCH_SUMMARY_DETAIL_TYPE,
  type BatchItem,
  type BatchSummary,
  batchHeadline,
  batchSummaryOf,
  MAX_SUMMARY_ITEMS,
  notifyBatchSummary,
  renderBatchEmail,
  renderBatchSlack,
  type SummaryPublisher,
  summarizeBatch,
} from './batch.js';
export { renderChatbot } from './chatbot.js';
export {
  type DigestDeps,
  type DigestRun,
  groupByOwner,
  renderDigestEmail,
  renderDigestSlack,
  runDigest,
} from './digest.js';
export { dispatch, type Dispatcher, type Outbound, type OutboundItem, summaryLine } from './dispatch.js';
export { renderEmail, resourceSubject } from './email.js';
export {
  type GroupOptions,
  groupSubject,
  renderGroupEmail,
  renderGroupSlack,
  runbookLink,
  sortFacts,
} from './group.js';
export { DeliveryError, DeliveryFailedError, InvalidTransitionError } from './errors.js';
export { alertFacts, ruleCatalog, type RuleCatalog } from './facts.js';
export {
  type ClaimOutcome,
  ClaimOutcomes,
  entryName,
  type LedgerSlot,
  MemoryLedger,
  type NotificationLedger,
} from './ledger.js';
export {
  type BusEventResult,
  type DeliveryResult,
  GROUPED_CHANNELS,
  ledgerKeyOf,
  type NotifierDeps,
  notifyBusEvent,
  notifyTransition,
  notifyTransitions,
  type NotifyItem,
  type TransitionStore,
} from './notifier.js';
export { ownAccountHub, planDeliveries, sameAccountHub } from './routing.js';
export { renderSlack, validateSlackMessage } from './slack.js';
export { NotifyMetrics, type NotifyTelemetry } from './telemetry.js';
export { type NamedTransition, parseNotifyEvent, parseTransitionEvent } from './transition-schema.js';
export type {
  Channel,
  EmailMessage,
  MessageKind,
  SlackBlock,
  SlackMessage,
  SlackTextObject,
} from './types.js';
