export { groupEnvelope, TRANSITION_GROUP_PATTERN, TRANSITION_PATTERN, transitionEnvelope } from './bus.js';
export { ensureTable, type LocalTable, openLocalTable } from './dynalite.js';
export { EmbeddedStoreError } from './errors.js';
export { guardLocalServer, type LocalRequestPolicy, localRequestRefusal } from './local-http.js';
export { createLocalNotifier } from './outbox-notifier.js';
export { createOutboxDispatcher } from './outbox.js';
export { DEFAULT_DATA_DIR, type LocalRuntime, type RunSummary, startLocalRuntime } from './runtime.js';
