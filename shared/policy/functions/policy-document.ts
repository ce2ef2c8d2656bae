import { globMatch, isRecord } from '../../kernel/index.js';
import { parseJsonValue } from './values.js';

/**
 * Resource-policy analysis (IAM trust, S3 bucket, KMS key, ECR repository policies),
 * for documents logged either as JSON strings or as objects.
 */
export interface PolicyStatement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

/** Condition keys that tie a public principal to known callers, so the grant is not public. */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:userid',
    'aws:username',
    'aws:ResourceOrgID',
    'kms:CallerAccount',
    'aws:SourceOrgID',
  ].map((k) => k.toLowerCase()),
);

/**
 * Parses a policy given as object, JSON string or URL-encoded JSON string (IAM documents in
 * Config items and CreateRole responses) into its statements; [] when it is none of these.
 */
export function statementsOf(doc: unknown): PolicyStatement[] {
  const value = parseJsonValue(doc);
  if (!isRecord(value)) return [];
  const st = value.Statement;
  if (Array.isArray(st)) return st.filter(isRecord);
  return isRecord(st) ? [st] : [];
}

function toList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** AWS principals of a statement (`"*"`, `{"AWS": ...}`, `{"CanonicalUser": ...}`), as strings. */
function awsPrincipals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (!isRecord(principal)) return [];
  return [...toList(principal.AWS), ...toList(principal.CanonicalUser), ...toList(principal.Federated)].filter(
    (p): p is string => typeof p === 'string',
  );
}

/**
 * Operators that require the key to be present and equal to (or like) known values. Not
 * `...IfExists` (passes when the key is absent, as on a direct anonymous call), not the
 * negated ones (`StringNotEquals` allows everyone else), not `Null`, not `ForAllValues:`
 * (true for a missing key).
 */
function restrictingOperator(operator: string): boolean {
  const base = operator.replace(/^ForAnyValue:/i, '');
  return /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i.test(base);
}

/** A value that narrows the callers: not a bare wildcard, not a world-open CIDR. */
function narrows(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value === '*') return false;
  return !(key === 'aws:sourceip' && /\/0$/.test(value.trim()));
}

function isRestricted(condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  for (const [operator, entries] of Object.entries(condition)) {
    if (!isRecord(entries) || !restrictingOperator(operator)) continue;
    for (const [key, value] of Object.entries(entries)) {
      const k = key.toLowerCase();
      if (!RESTRICTING_KEYS.has(k)) continue;
      const values = toList(value);
      if (values.length > 0 && values.every((x) => narrows(k, x))) return true;
    }
  }
  return false;
}

const isAllow = (s: PolicyStatement) => s.Effect === 'Allow';

/**
 * True when an `Allow` statement grants to everyone (`*`, `{"AWS":"*"}`, or `NotPrincipal`)
 * without a restricting condition. A `Deny` never makes a policy public.
 * @example policyIsPublic('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}') // true
 */
export function policyIsPublic(doc: unknown): boolean {
  return statementsOf(doc).some((s) => {
    if (!isAllow(s) || isRestricted(s.Condition)) return false;
    if (s.NotPrincipal !== undefined) return true;
    return awsPrincipals(s.Principal).some((p) => p === '*' || p === 'arn:aws:iam::*:root');
  });
}

/** Account id named by a principal: `123456789012` or `arn:aws:iam::123456789012:...`. */
export function accountOfPrincipal(p: string): string | undefined {
  if (/^\d{12}$/.test(p)) return p;
  const m = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(p);
  return m?.[1];
}

/**
 * Accounts granted by `Allow` statements that are not in `approved` (sorted, unique).
 * @example policyForeignAccounts(doc, ['111122223333']) // ['999988887777']
 */
export function policyForeignAccounts(doc: unknown, approved: readonly unknown[]): string[] {
  const ok = new Set(approved.filter((a): a is string => typeof a === 'string'));
  const out = new Set<string>();
  for (const s of statementsOf(doc)) {
    if (!isAllow(s)) continue;
    for (const p of awsPrincipals(s.Principal)) {
      const account = accountOfPrincipal(p);
      if (account && !ok.has(account)) out.add(account);
    }
  }
  return [...out].sort();
}

/** Actions allowed by `Allow` statements, as written (strings only). */
export function policyAllowedActions(doc: unknown): string[] {
  return statementsOf(doc)
    .filter(isAllow)
    .flatMap((s) => toList(s.Action))
    .filter((a): a is string => typeof a === 'string');
}

/**
 * True when an `Allow` statement grants `action` (globs in the policy count: `*`, `iam:*`)
 * on every resource (`Resource: "*"`).
 */
export function policyAllowsOnAnyResource(doc: unknown, action: string): boolean {
  const wanted = action.toLowerCase();
  return statementsOf(doc).some((s) => {
    if (!isAllow(s) || !toList(s.Resource).includes('*')) return false;
    return toList(s.Action).some((a) => typeof a === 'string' && actionMatches(a.toLowerCase(), wanted));
  });
}

/**
 * IAM action matching: case-insensitive, `*` and `?` wildcards. The pattern comes from the event
 * and the action from the rule: the linear glob matcher, never a RegExp built from the pattern (a
 * backtracking one took 98 s on `iam:` followed by forty `*`).
 */
function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action);
}
