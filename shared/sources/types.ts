/** The sources tpguard understands. */
export const Sources = {
  cloudtrail: 'cloudtrail',
  guardduty: 'guardduty',
  config: 'config',
  sagemaker: 'sagemaker',
  bedrock: 'bedrock',
} as const;
export type Source = (typeof Sources)[keyof typeof Sources];

/** Who did it, where the source says. */
export interface Actor {
  arn?: string;
  type?: string;
  accountId?: string;
  sourceIp?: string;
  userAgent?: string;
  /** The role behind an assumed-role session, when there is one. */
  sessionIssuerArn?: string;
}

/** A resource an event touches. */
export interface ResourceRef {
  type: string;
  id: string;
  arn?: string;
  name?: string;
  tags?: Record<string, string>;
}

/**
 * What the policy index keys on. Every field is optional; a normalizer fills
 * the ones its source has.
 */
export interface TriggerKey {
  /** EventBridge detail-type (CloudTrail records get "AWS API Call via CloudTrail"). */
  detailType: string;
  eventSource?: string;
  eventName?: string;
  findingType?: string;
  resourceType?: string;
}

/**
 * One input event, normalized. Rules never see a source's envelope quirks,
 * only this (and `raw`/`detail` for their conditions).
 */
export interface Observation {
  eventId: string;
  eventTime: string;
  source: Source;
  account: string;
  region: string;
  actor?: Actor;
  resources: ResourceRef[];
  trigger: TriggerKey;
  /** CloudTrail `errorCode` of a failed call. */
  errorCode?: string;
  /** The record the source describes: CloudTrail record, GuardDuty finding, configuration item, state-change detail. */
  detail: Record<string, unknown>;
  /** The original event as received (EventBridge envelope where there was one). */
  raw: Record<string, unknown>;
  /** Set when the observation is a read of the current state, not a change event. */
  origin?: ObservationOrigin;
}

/**
 * Where an observation of the current state came from (a baseline: an AWS Config snapshot, the
 * `baseline` function or command). Absent for change events. Its transitions are alerted as one
 * summary per owner and channel for the whole batch, not one message each.
 */
export interface ObservationOrigin {
  /** What read the state. `backfill` is reserved for the S3 history backfill. */
  kind: 'baseline';
  /** One baseline run or one snapshot file: the unit of the summary message. */
  batchId: string;
  /** What the batch covered, for messages: `111122223333/eu-west-1`. */
  label: string;
}

/** A record that could not become an observation, and why. */
export interface Rejection {
  /** `file[:index]` or another locator of the record. */
  where: string;
  reason: string;
}
