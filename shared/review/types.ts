import type { Severity } from '../kernel/index.js';

/** A task is `open` until signed off (`done`); `overdue` is derived at read time from the clock. */
export const TaskStatuses = { open: 'open', done: 'done', overdue: 'overdue' } as const;
export type TaskStatus = (typeof TaskStatuses)[keyof typeof TaskStatuses];
export type StoredTaskStatus = Exclude<TaskStatus, 'overdue'>;

/** What a reviewer decided: keep the pack as is, or update it. */
export const Decisions = ['keep', 'update'] as const;
export type Decision = (typeof Decisions)[number];

/** Who a task is for: the control as a whole, or the policy areas one team owns. */
export const TaskScopes = { control: 'control', area: 'area' } as const;
export type TaskScope = (typeof TaskScopes)[keyof typeof TaskScopes];

/** A rule and how often it fired (violations observed) in the period. */
export interface RuleCount {
  ruleId: string;
  title: string;
  area: string;
  count: number;
}

/** A GuardDuty finding type seen on in-scope resources that no rule of the pack maps. */
export interface ThreatDeltaEntry {
  findingType: string;
  count: number;
  resources: string[];
  firstSeen: string;
  lastSeen: string;
}

/** How the pack changed between the version the last review looked at and the current one. */
export interface PackChanges {
  fromVersion?: string;
  toVersion: string;
  added: string[];
  removed: string[];
  modified: string[];
}

/** An exception due to expire before the next review. */
export interface ExpiringException {
  exceptionId: string;
  ruleId: string;
  resource: string;
  expiresAt: string;
  approvedBy: string;
}

/** What reviewers need, computed from the store when the task opens. */
export interface ReviewContents {
  areas: string[];
  rules: number;
  driftOpened: number;
  driftResolved: number;
  /** Mean hours from opening to resolution of the drift resolved in the period; absent when none. */
  meanTimeToResolveHours?: number;
  openBySeverity: Partial<Record<Severity, number>>;
  noisiestRules: RuleCount[];
  /** Rules of these areas without a single violation in the period. */
  silentRules: string[];
  expiringExceptions: ExpiringException[];
  threatDelta: ThreatDeltaEntry[];
  packChanges: PackChanges;
}

/** A review task as stored (pk `REVIEW#<period>`, sk `TASK#<owner>`). */
export interface ReviewTask {
  /** `<period>/<owner>`, e.g. `2027-Q2/reviewers`. */
  taskId: string;
  period: string;
  controlId: string;
  owner: string;
  scope: TaskScope;
  status: StoredTaskStatus;
  openedAt: string;
  dueAt: string;
  coversFrom: string;
  coversTo: string;
  nextReviewAt: string;
  /** The pack version in force when the task opened. */
  packVersion: string;
  contents: ReviewContents;
  /** Reminders sent, by key (`d14`, `d7`, ...), with the time they were recorded. */
  reminders: Record<string, string>;
  escalatedAt?: string;
  /** Who signed off: the caller's AWS identity against a deployed stack, the typed `--by` locally. */
  completedBy?: string;
  /** The display name typed beside a proven `completedBy`. */
  completedByName?: string;
  completedAt?: string;
  notes?: string;
  decision?: Decision;
  /** The pack version the reviewer signed off. */
  reviewedPackVersion?: string;
}

/** A task as listed (`review list --format json`). */
export interface TaskSummary {
  id: string;
  period: string;
  controlId: string;
  owner: string;
  scope: TaskScope;
  status: TaskStatus;
  openedAt: string;
  dueAt: string;
  completedBy: string | null;
  /** The display name beside a proven `completedBy` (only when one was recorded). */
  completedByName?: string;
  completedAt: string | null;
  decision: Decision | null;
  onTime: boolean | null;
  remindersSent: string[];
  escalatedAt: string | null;
}

/** The sign-off of a task. */
export interface SignOff {
  by: string;
  byName?: string;
  at: string;
  notes: string;
  decision: Decision;
  packVersion: string;
}

/**
 * Who put a pack version in force (`tpguard rules publish`, run by whoever deploys it): the
 * "last change to the pack" the four-eyes rule compares a sign-off with. pk `PACK#<version>`, sk `CHANGE`.
 */
export interface PackChange {
  version: string;
  /** The identity that recorded it (the caller's AWS identity deployed, the typed `--by` locally). */
  changedBy: string;
  changedByName?: string;
  changedAt: string;
  /** Where it was recorded from: `stack tpguard-prod`, `table tpguard-prod` or `embedded store`. */
  where?: string;
}
