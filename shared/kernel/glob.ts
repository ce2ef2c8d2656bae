import { spend } from './work.js';

/**
 * True when `value` matches `pattern`, AWS wildcard matching as in IAM policies and Config: `*`
 * matches any run of characters (including `/` and `:`), `?` exactly one; everything else is literal. Matches without a regular expression: the regex
 * form backtracks exponentially in the number of `*` (a 3,000-character value against
 * `*-*-*-*-x` did not finish in two minutes), and values come from untrusted events.
 * This greedy matcher with one backtrack point is O(pattern × value) at worst: linear in the
 * event's side, because one side is always short and trusted (a config glob, or the action or ARN
 * prefix a rule names) when the other comes from an event. Each iteration is a step of
 * {@link spend}.
 * @example globMatch('arn:aws:s3:::ml-training-*', 'arn:aws:s3:::ml-training-vision') // true
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  let iterations = 0;
  while (v < value.length) {
    iterations++;
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      spend(iterations);
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  spend(iterations + 1);
  return p === pattern.length;
}

/**
 * True when any of `values` (a string, a list of strings, or absent) matches any pattern.
 * Non-string entries never match.
 */
export function globAny(values: unknown, patterns: readonly unknown[]): boolean {
  const list = Array.isArray(values) ? values : [values];
  return list.some((v) => typeof v === 'string' && patterns.some((p) => typeof p === 'string' && globMatch(p, v)));
}
