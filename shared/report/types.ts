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

/** One bucket of the timeline chart. */
export interface TimelineBucket {
  start: string;
  label: string;
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
  reason: string;
  createdAt: string;
  expiresAt: string;
  state: string;
}

/** The whole evidence report; the JSON format is exactly this object. */
export interface EvidenceReport {
  generatedAt: string;
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
}
