/**
 * Who made a change. Against a deployed stack `id` is the caller's AWS identity as STS
 * GetCallerIdentity proves it (the role session ARN); locally it is the name typed with `--by`.
 * `name` is the display name typed beside a proven identity, never a substitute for it.
 */
export interface Actor {
  id: string;
  name?: string;
}

/**
 * How an actor is shown: the identity, and the display name in parentheses when it adds something.
 * @example actorLabel('arn:aws:sts::111122223333:assumed-role/Reviewer/dana', 'Dana Ruiz') // 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana (Dana Ruiz)'
 */
export function actorLabel(id: string, name?: string): string {
  return name && name !== id ? `${id} (${name})` : id;
}

/**
 * True when two recorded identities are the same principal (the four-eyes check). Identities are
 * compared exactly after trimming: two sessions of one role with different session names are
 * different identities, as AWS records them.
 * @example sameIdentity('arn:aws:sts::1:assumed-role/A/x', 'arn:aws:sts::1:assumed-role/A/y') // false
 */
export function sameIdentity(a: string, b: string): boolean {
  return a.trim() === b.trim();
}
