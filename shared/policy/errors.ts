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
export class PolicyPackError extends Error {
  public readonly problems: readonly PackProblem[];
  public constructor(problems: readonly PackProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'PolicyPackError';
    this.problems = problems;
  }
}
