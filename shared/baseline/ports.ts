import type { SummaryPublisher as NotifySummaryPublisher } from '../notify/index.js';
import type { BaselinePlan, BaselineRun, StateRead } from './types.js';

/** What the reader may skip before fetching: a listed resource that no scope could bring in. */
export type WantedFilter = (configType: string, resourceId: string, resourceName: string | undefined) => boolean;

/**
 * Reads the current state: AWS Config (an account or an aggregator) and SageMaker/Bedrock jobs in
 * progress (shared/adapters/aws/baseline-reader.ts), or snapshot files (the CLI's --from).
 */
export interface StateReader {
  /** What this reader reads from, for the run record: `config`, `config-aggregator:<name>`, `file:<path>`. */
  readonly source: string;
  read(plan: BaselinePlan, wanted: WantedFilter): AsyncIterable<StateRead>;
  /**
   * When the state was read, once `read` is done, if not at the run's start: a snapshot file is
   * the state of its latest item, however late it is read. Absence from a listing means gone as of it.
   */
  readAt?(): string | undefined;
}

/** Where baseline runs are kept (the table: `BASELINE#<account>#<region>` / `RUN#<startedAt>#<runId>`). */
export interface BaselineRunStore {
  putRun(run: BaselineRun): Promise<void>;
  /** Runs started in [from, to), oldest first. */
  listRuns(from: string, to: string): Promise<BaselineRun[]>;
}

/** Sends a batch's summaries on their way (the port is the notify area's, shared with the backfill). */
export type SummaryPublisher = NotifySummaryPublisher;
