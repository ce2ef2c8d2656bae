export * from './types.js';
export * from './id.js';
export * from './transitions.js';
export * from './store.js';
export * from './record.js';
export * from './evidence.js';
export * from './errors.js';
export * from './bus-events.js';
