import type { FindingSighting } from '../ingest/index.js';
import type { DriftHistoryEntry, DriftRecord } from '../drift/index.js';
import type { SlackMessage } from '../notify/index.js';
import type { PackSnapshot } from './pack-snapshot.js';
import type { PackChange, ReviewTask, SignOff } from './types.js';

/**
 * The ports the review cycle and the report read and write through. The DynamoDB
 * implementations live in shared/adapters; tests run them against embedded dynalite.
 */

/** Review tasks and pack snapshots. Every write is a single-item conditional write. */
export interface ReviewStore {
  /** Creates the task unless one exists for (period, owner); true when created. */
  putTaskIfAbsent(task: ReviewTask): Promise<boolean>;
  getTask(taskId: string): Promise<ReviewTask | undefined>;
  listTasks(): Promise<ReviewTask[]>;
  /** Records reminder `key` unless already recorded or the task is done; true when recorded now. */
  recordReminder(taskId: string, key: string, at: string): Promise<boolean>;
  /** Records the escalation unless already recorded or the task is done; true when recorded now. */
  recordEscalation(taskId: string, at: string): Promise<boolean>;
  /** Signs the task off unless it is done already; returns the updated task. */
  completeTask(taskId: string, signOff: SignOff): Promise<ReviewTask>;
  /** Stores the snapshot unless the version exists; true when stored now. */
  putPackSnapshot(snapshot: PackSnapshot): Promise<boolean>;
  getPackSnapshot(version: string): Promise<PackSnapshot | undefined>;
  /** Records who put a pack version in force, unless recorded already (the first record stands); true when stored now. */
  putPackChange(change: PackChange): Promise<boolean>;
  getPackChange(version: string): Promise<PackChange | undefined>;
}

/** What the store knows about drift: every record and its history up to `to`. */
export interface DriftFacts {
  records: DriftRecord[];
  history: DriftHistoryEntry[];
}

export interface DriftFactsSource {
  /** Records as they are now, and history entries with eventTime < `to` (ISO). */
  facts(to: string): Promise<DriftFacts>;
}

export interface FindingSightings {
  /** Sightings whose lastSeen is at or after `from` and firstSeen before `to`. */
  list(from: string, to: string): Promise<FindingSighting[]>;
}

/** A message of the review cycle, rendered for every channel. */
export interface ReviewMessage {
  kind: 'review-opened' | 'review-reminder' | 'review-escalation';
  taskId: string;
  /** Who it is for: the owner of the task, or the escalation contact. */
  owner: string;
  email: string[];
  /** Where the Slack webhook URL lives (`ssm:/...` or `env:...`), if the contact has one. */
  slack?: string;
  subject: string;
  text: string;
  /** The exact Slack incoming-webhook body. */
  slackPayload: SlackMessage;
}

/** Delivers review messages on the alert channels (SNS email + Slack deployed; the outbox locally). */
export interface ReviewMessenger {
  send(message: ReviewMessage): Promise<void>;
}
