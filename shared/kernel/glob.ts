/**
 * AWS wildcard matching as in IAM policies and Config: `*` matches any run of
 * characters (including `/` and `:`), `?` exactly one; everything else is literal.
 */
const cache = new Map<string, RegExp>();

/** The pattern as an anchored regular expression (for callers that need one; matching uses {@link globMatch}). */
export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[\\s\\S]*')
      .replace(/\?/g, '[\\s\\S]');
    re = new RegExp(`^${body}$`);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/**
 * True when `value` matches `pattern`. Matches without a regular expression: the regex
 * form backtracks exponentially in the number of `*` (a 3,000-character value against
 * `*-*-*-*-x` did not finish in two minutes), and values come from untrusted events.
 * This greedy matcher with one backtrack point is O(pattern × value) at worst.
 * @example globMatch('arn:aws:s3:::ml-training-*', 'arn:aws:s3:::ml-training-vision') // true
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
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
    } else return false;
  }
  while (pattern[p] === '*') p++;
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
