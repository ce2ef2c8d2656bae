/**
 * AWS wildcard matching as in IAM policies and Config: `*` matches any run of
 * characters (including `/` and `:`), `?` exactly one; everything else is literal.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
    re = new RegExp(`^${body}$`);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/**
 * True when `value` matches `pattern`.
 * @example globMatch('arn:aws:s3:::ml-training-*', 'arn:aws:s3:::ml-training-vision') // true
 */
export function globMatch(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/**
 * True when any of `values` (a string, a list of strings, or absent) matches any pattern.
 * Non-string entries never match.
 */
export function globAny(values: unknown, patterns: readonly unknown[]): boolean {
  const list = Array.isArray(values) ? values : [values];
  return list.some((v) => typeof v === 'string' && patterns.some((p) => typeof p === 'string' && globMatch(p, v)));
}
