export * from './pipeline.js';
export * from './telemetry.js';
export * from './envelope.js';
export * from './rejected.js';
