/** AWS's own limit for an ARN: a longer text is no resource's and is never parsed. */
export const MAX_ARN = 2048;

/** The fields of an ARN: `arn:partition:service:region:account:resource`. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon (`key/1234...`, `function:name:qualifier`, `role/path/name`). */
  resource: string;
}

/**
 * Splits an ARN at its first five colons, without a regular expression (a pattern over the whole
 * text was retried at every `:key/` of a hostile key id: quadratic). Undefined for anything that
 * is not an ARN, or is longer than {@link MAX_ARN}.
 * @example parseArn('arn:aws:kms:eu-west-1:111122223333:key/1234')?.resource // 'key/1234'
 */
export function parseArn(text: string): ArnParts | undefined {
  if (text.length > MAX_ARN || !text.startsWith('arn:')) return undefined;
  const at = [3];
  let i = 3;
  while (at.length < 5) {
    i = text.indexOf(':', i + 1);
    if (i < 0) return undefined;
    at.push(i);
  }
  const [a, b, c, d, e] = at as [number, number, number, number, number];
  return {
    partition: text.slice(a + 1, b),
    service: text.slice(b + 1, c),
    region: text.slice(c + 1, d),
    account: text.slice(d + 1, e),
    resource: text.slice(e + 1),
  };
}
