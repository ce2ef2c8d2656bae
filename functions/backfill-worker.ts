/**
 * Backfill worker: plans a backfill execution (the archive prefixes to list), then scans each
 * Distributed Map batch of archived CloudTrail or Config objects, and with `record` feeds them
 * through the ingest path, marked origin: backfill and alerted as one summary per owner and channel
 * per batch (shared/backfill, the state machine of scripts/build-backfill.ts).
 * Wiring only: the handler factory and the runtime are shared/adapters/lambda.
 */
import { backfillWorkerFunction, createFunction } from '../shared/adapters/lambda/index.js';

export const { lambdaHandler, handler } = await createFunction(backfillWorkerFunction());
