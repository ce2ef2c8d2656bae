/**
 * A deterministic measure of the work domain code does on event data, so that tests can bound
 * it by input size instead of by wall-clock time (which a shared CPU makes meaningless).
 *
 * Every loop whose trip count depends on event data (the glob matcher, tree walks, statement and
 * action scans, string scanners) spends one step per iteration. Regular expressions are not
 * counted here: the tests intercept every regex execution and check that none runs on more than
 * {@link MAX_REGEX_INPUT} characters, so each costs at most a constant.
 *
 * The counter is a plain module-level number: one addition per iteration, no effect on any result.
 */
let steps = 0;

/** Records `n` steps of work. */
export function spend(n = 1): void {
  steps += n;
}

/**
 * Steps spent since the process started (compare two readings).
 * @example const before = stepsSpent(); globMatch(p, v); const work = stepsSpent() - before;
 */
export function stepsSpent(): number {
  return steps;
}

/**
 * The longest text a regular expression is ever run on in domain code. Event fields are cut or
 * refused before a test, so even a regex with quadratic backtracking costs at most a constant.
 * Above every AWS length limit a matched field has (ARNs 2,048; SageMaker environment values 512,
 * hyperparameter values 2,500).
 */
export const MAX_REGEX_INPUT = 4096;
