import { TpguardError } from '../kernel/index.js';

/** One problem of a policy pack, printed as `file: rule id: message`. */
export interface PackProblem {
  file: string;
  ruleId?: string;
  message: string;
}

export function formatProblem(p: PackProblem): string {
  return `${p.file}: ${p.ruleId ? `${p.ruleId}: ` : ''}${p.message}`;
}

/** A policy pack that does not load; it is refused as a whole. */
export class PolicyPackError extends TpguardError {
  public readonly problems: readonly PackProblem[];
  public constructor(problems: readonly PackProblem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'PolicyPackError';
    this.problems = problems;
  }
  /** One line per problem: `file: rule id: message`. */
  public override toLines(): string[] {
    return this.problems.map(formatProblem);
  }
}

/**
 * `rules test` cannot find the files its cases name (a pack copied without its fixtures): one
 * line for all of them, not one per case.
 */
export class RuleFixturesMissingError extends TpguardError {
  public readonly root: string;
  public readonly missing: readonly string[];
  public constructor(root: string, missing: readonly string[], options?: { cause?: unknown }) {
    super(
      `${missing.length} file${missing.length === 1 ? '' : 's'} the rule tests name ${missing.length === 1 ? 'is' : 'are'} not under ${root} (first: ${missing[0]}): copy them there beside the pack, or pass --fixtures DIR`,
      options,
    );
    this.name = 'RuleFixturesMissingError';
    this.root = root;
    this.missing = missing;
  }
}

/** Thrown for a configuration item that does not carry the state (oversized-item summaries). */
export class IncompleteConfigItemError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IncompleteConfigItemError';
  }
}

/**
 * Thrown by a domain function for an input beyond what it judges (a policy document larger than
 * AWS accepts, an embedded document nested too deep): the rule reports `cannot-evaluate` with this
 * reason instead of spending unbounded work or judging a part of the input.
 */
export class EvaluationLimitError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvaluationLimitError';
  }
}
