import type { Severity } from '../kernel/index.js';
import type { PackChanges, TaskSummary } from '../review/index.js';

/** `Yes` only when the store proves it; `Partially` names what is missing. */
export type CaiqAnswerValue = 'Yes' | 'Partially' | 'No';

export interface CaiqAnswer {
  id: string;
  question: string;
  answer: CaiqAnswerValue;
  /** One sentence: why this answer. */
  summary: string;
  evidence: string[];
}

export interface GuidelineEvidence {
  id: string;
  title: string;
  asks: string;
  rules: string[];
  evidence: string[];
}

export interface StandardMapping {
  key: string;
  name: string;
  /** Rule id -> the references it maps to in this standard. */
  rules: { ruleId: string; refs: string[] }[];
}

/** One bucket of the timeline chart; the last one ends at the period's end. */
export interface TimelineBucket {
  start: string;
  label: string;
  /** Where the bucket ends (exclusive): the next one's start, or the period's end for the last. */
  end: string;
  /** The local date of the bucket's last day. */
  endLabel: string;
  opened: number;
  resolved: number;
}

export interface BreakdownRow {
  key: string;
  opened: number;
  openNow: number;
}

export interface ExceptionSummary {
  exceptionId: string;
  ruleId: string;
  resource: string;
  approvedBy: string;
  /** Who recorded it (identity, and the display name beside it), when recorded. */
  addedBy?: string;
  /** Four eyes: the identity that approved it, and when. */
  approval?: { by: string; at: string };
  /** Who revoked it (`exception revoke`), and when. */
  revoked?: { by: string; at: string };
  reason: string;
  createdAt: string;
  expiresAt: string;
  state: string;
}

/**
 * Where the evidence came from when it is read from a deployed stack (absent for the embedded
 * store): the account, region, stack and table, the pack version the stack runs, who recorded
 * that version, and the identity that generated the report.
 */
export interface ReportOrigin {
  account: string;
  region: string;
  /** CloudFormation stack (absent when the table was named directly with `--table`). */
  stack?: string;
  table: string;
  /** The pack version the stack was deployed with (its `PackVersion` output). */
  packVersion?: string;
  /** Who recorded that pack version (`tpguard rules publish`), and when. */
  packRecordedBy?: string;
  packRecordedAt?: string;
  stackUpdatedAt?: string;
  /** The identity that read the table to build this report. */
  generatedBy: string;
}

/**
 * A baseline run record as the store keeps it (shared/baseline's `BaselineRun`, one per account and
 * region): the report reads only these fields.
 */
export interface BaselineRunFact {
  runId: string;
  account: string;
  region: string;
  startedAt: string;
  trigger: string;
  source: string;
  covered: string[];
  read: number;
  evaluated: number;
  unreadable: number;
  violations: number;
  transitions: { opened: number; reopened: number; resolved: number; gone: number; suppressed: number };
  openAfter: Record<string, number>;
}

/** The last baseline of one account and region by the end of the window: when, what it covered, what it found. */
export interface BaselineEvidence {
  account: string;
  region: string;
  runId: string;
  ranAt: string;
  trigger: string;
  source: string;
  covered: string[];
  read: number;
  evaluated: number;
  unreadable: number;
  /** Violations found in the state read (a resource may break several rules). */
  violations: number;
  opened: number;
  resolved: number;
  gone: number;
  /** Open drift of the account and region right after the run, by severity. */
  openAfter: Record<string, number>;
}

/**
 * One drift episode of the period, for an auditor to sample and trace (`tpguard drift show <id>`):
 * opened (or reopened) before the period's end and not closed before its start.
 */
export interface DriftSample {
  driftId: string;
  ruleId: string;
  severity: Severity;
  resourceType: string;
  resourceId: string;
  account: string;
  region: string;
  openedAt: string;
  /** The principal of the violating event (or the operator). */
  openedBy?: string;
  /** When the episode ended within the period: resolved, or suppressed by an exception. */
  closedAt?: string;
  closed?: 'resolved' | 'suppressed';
  /** Who resolved it: the principal of the compliant event, or the operator who resolved it by hand. */
  closedBy?: string;
}

/**
 * What produced the report and where its evidence came from. `deployed` only with evidence of a
 * deployment (the report read a deployed stack's table); otherwise `local`: evaluated locally.
 */
export interface Provenance {
  tpguardVersion: string;
  packVersion: string;
  evidence: 'deployed' | 'local';
  /** One sentence for the auditor. */
  statement: string;
}

/** The whole evidence report; the JSON format is exactly this object. */
export interface EvidenceReport {
  generatedAt: string;
  provenance: Provenance;
  /** Present when the report was built from a deployed stack. */
  origin?: ReportOrigin;
  /** [from, to) as instants; `firstDay`..`lastDay` the same window as local dates in `timezone` (inclusive). */
  window: { from: string; to: string; timezone: string; firstDay: string; lastDay: string };
  control: {
    id: string;
    title: string;
    domain: string;
    specification: string;
    source: string;
    ownership: { layer: string; owner: string; here: string }[];
    standards: StandardMapping[];
  };
  caiq: CaiqAnswer[];
  guidelines: GuidelineEvidence[];
  /** The last baseline (read of the existing state) per account and region, by the end of the window. */
  baselines: BaselineEvidence[];
  defined: {
    packVersion: string;
    rules: number;
    byArea: Record<string, number>;
    bySeverity: Partial<Record<Severity, number>>;
  };
  deployed: { patterns: number; patternNames: string[]; functions: string[]; source: string };
  ran: {
    eventsEvaluated: number;
    observations: number;
    driftOpened: number;
    driftResolved: number;
    meanTimeToResolveHours: number | null;
    openNow: Partial<Record<Severity, number>>;
    packVersions: string[];
  };
  reviewed: {
    tasks: TaskSummary[];
    completed: number;
    completedOnTime: number;
    open: number;
    overdue: number;
    reviewers: string[];
    packChanges: (PackChanges & { period: string })[];
    threatDelta: { period: string; findingTypes: string[] }[];
  };
  exceptions: ExceptionSummary[];
  charts: { timeline: TimelineBucket[]; bySeverity: BreakdownRow[]; byArea: BreakdownRow[] };
  /** Every drift episode of the period, oldest first: the population an auditor samples from. */
  appendix: { drift: DriftSample[] };
}
