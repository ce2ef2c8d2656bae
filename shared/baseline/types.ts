import type { Observation } from '../sources/index.js';

/** The jobs Config does not record, read in progress with List*Jobs + Describe*, by our resource type. */
export const JOB_KINDS = {
  'sagemaker-training-job': { detailType: 'SageMaker Training Job State Change', source: 'sagemaker' },
  'sagemaker-processing-job': { detailType: 'SageMaker Processing Job State Change', source: 'sagemaker' },
  'sagemaker-tuning-job': { detailType: 'SageMaker HyperParameter Tuning Job State Change', source: 'sagemaker' },
  'bedrock-customization-job': { detailType: 'Model Customization Job State Change', source: 'bedrock' },
} as const;
export type JobKind = keyof typeof JOB_KINDS;

/** What a baseline reads: derived from the pack (shared/baseline/plan.ts). */
export interface BaselinePlan {
  /** AWS Config resource types with whole-state rules (`AWS::S3::Bucket`, ...), sorted. */
  configTypes: string[];
  /** Jobs whose state-change detail-type a rule listens to. */
  jobs: JobKind[];
}

/** Where a read happened. */
export interface ReadScope {
  account: string;
  region: string;
}

/**
 * What a state reader yields, in any order: listings (what exists), configuration items, job
 * descriptions, and what could not be read. A type is `covered` for an account and region once
 * its whole listing was read: only then may the absence of a resource mean it is gone.
 */
export type StateRead =
  | ({ type: 'listed'; configType: string; resourceId: string; resourceName?: string } & ReadScope)
  | ({ type: 'covered'; configType: string } & ReadScope)
  /** Listed but not fetched: out of scope by name (no tag scope could bring it in). */
  | ({ type: 'skipped'; configType: string; resourceId: string } & ReadScope)
  /** A configuration item (any names: notification, history/snapshot or API; times as ISO strings). */
  | { type: 'item'; item: Record<string, unknown> }
  /** An observation already made (a snapshot file read by shared/events). */
  | { type: 'observation'; observation: Observation }
  /** A job in progress: its Describe* output, as its state-change event's `detail`. */
  | ({ type: 'job'; kind: JobKind; arn: string; detail: Record<string, unknown>; readAt: string } & ReadScope)
  | ({ type: 'unreadable'; what: string; resourceId?: string; reason: string } & ReadScope);

/** A resource a reader could not read, and why (kept on the run record, at most 50 per run). */
export interface Unreadable {
  what: string;
  resourceId?: string;
  reason: string;
}

/** One baseline run for one account and region: what it covered, read and found. */
export interface BaselineRun {
  runId: string;
  account: string;
  region: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** `schedule`, `cli`, `snapshot` (a Config snapshot file). */
  trigger: string;
  /** Where the state came from: `config`, `config-aggregator:<name>`, `file:<path>`. */
  source: string;
  /** Resource types read (AWS Config types and job types). */
  covered: string[];
  /** Resources read (configuration items and job descriptions). */
  read: number;
  /** Observations evaluated (resources a rule listens to). */
  evaluated: number;
  /** Listed but not fetched: out of scope by name. */
  skipped: number;
  unreadable: number;
  unreadableSample: Unreadable[];
  findings: number;
  violations: number;
  cannotEvaluate: number;
  transitions: {
    opened: number;
    reopened: number;
    resolved: number;
    gone: number;
    suppressed: number;
    unverifiable: number;
  };
  /** Open drift of this account and region after the run, by severity. */
  openAfter: Record<string, number>;
}
