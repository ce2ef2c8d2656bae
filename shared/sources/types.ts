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
 * What produced a batched observation: `baseline` (an AWS Config snapshot, the `baseline` function
 * or command) or `backfill` (a `--record` backfill of the S3 archive). A live change event has no
 * origin (it is alerted one message per transition).
 */
export type OriginKind = 'baseline' | 'backfill';

/** The origin kinds, for checks of stored or received values. */
export const ORIGIN_KINDS: readonly OriginKind[] = ['baseline', 'backfill'];

/**
 * Where a batched observation came from (a baseline read of the current state, or a backfill of the
 * archive). Absent for change events. Its transitions are alerted as one summary per owner and
 * channel for the whole batch, not one message each.
 */
export interface ObservationOrigin {
  kind: OriginKind;
  /** One baseline run, one snapshot file, or one batch of a backfill execution: the unit of the summary message. */
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
