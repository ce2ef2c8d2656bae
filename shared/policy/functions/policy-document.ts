import { isRecord } from '../../kernel/index.js';
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

/** Condition keys whose values name the caller's account, or the account of the resource a service acts for. */
const ACCOUNT_KEYS = new Set(['aws:principalaccount', 'aws:sourceaccount', 'kms:calleraccount', 'aws:sourceowner']);
/** Condition keys whose values are ARNs of the caller or of the source resource (their account field counts). */
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);
/** Condition keys whose values name an AWS Organization (`o-...`), or a path starting with one. */
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid', 'aws:principalorgpaths', 'aws:sourceorgpaths']);

/**
 * Operators whose values say who IS allowed: the equality and pattern operators, with or without
 * a set prefix (`ForAnyValue:`, `ForAllValues:`) or `IfExists`. Not the negated ones (they name who
 * is excluded), not `Null`, `Bool` or numeric operators.
 */
function namingOperator(operator: string): boolean {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/i, '').replace(/IfExists$/i, '');
  return /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i.test(base);
}

/** The account field of an ARN: `*` when it is a pattern, undefined when the ARN has none (S3). */
function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  if (!arn.startsWith('arn:') || account === undefined || account === '') return undefined;
  return /[*?]/.test(account) ? '*' : account;
}

/** Who the conditions of a statement name as allowed callers (or sources). */
interface NamedCallers {
  accounts: string[];
  orgs: string[];
}

function namedByCondition(condition: unknown): NamedCallers {
  const named: NamedCallers = { accounts: [], orgs: [] };
  if (!isRecord(condition)) return named;
  let anyAccountArn = false;
  for (const [operator, entries] of Object.entries(condition)) {
    if (!isRecord(entries) || !namingOperator(operator)) continue;
    for (const [key, value] of Object.entries(entries)) {
      const k = key.toLowerCase();
      for (const v of toList(value)) {
        if (typeof v !== 'string' || v === '' || v === '*') continue;
        if (ACCOUNT_KEYS.has(k)) named.accounts.push(v);
        else if (ORG_KEYS.has(k)) named.orgs.push(v.split('/')[0]!);
        else if (ARN_KEYS.has(k)) {
          const account = accountOfArn(v);
          if (account === '*') anyAccountArn = true;
          else if (account) named.accounts.push(account);
        }
      }
    }
  }
  // `arn:aws:iam::*:role/x` is any account's role x: a grant to every account, unless an
  // organization condition of the same statement narrows it to that organization's accounts.
  if (anyAccountArn && named.orgs.length === 0) named.accounts.push('*');
  return named;
}

/**
 * Who an `Allow` statement grants to: the accounts of its principals, and, when its principal is
 * everyone (`*`, `{"AWS": "*"}`, `NotPrincipal`) or a service, the accounts and organizations its
 * conditions restrict that to. Conditions on a named principal only narrow that principal further.
 */
function granteesOf(s: PolicyStatement): NamedCallers {
  const principals = awsPrincipals(s.Principal);
  const services = isRecord(s.Principal) ? toList(s.Principal.Service) : [];
  const accounts = principals.map(accountOfPrincipal).filter((a): a is string => a !== undefined);
  const open = s.NotPrincipal !== undefined || principals.some((p) => p === '*' || p === 'arn:aws:iam::*:root');
  if (!open && services.length === 0) return { accounts, orgs: [] };
  const named = namedByCondition(s.Condition);
  return { accounts: [...accounts, ...named.accounts], orgs: named.orgs };
}

/**
 * Accounts granted by `Allow` statements that are not in `approved` (sorted, unique): named as
 * principals, or named by the condition that restricts a public or service principal
 * (`aws:PrincipalAccount`, `aws:SourceAccount`, `kms:CallerAccount`, `aws:SourceOwner`, the account
 * of `aws:PrincipalArn`/`aws:SourceArn`; `*` for an ARN pattern over every account).
 * @example policyForeignAccounts(doc, ['111122223333']) // ['999988887777']
 */
export function policyForeignAccounts(doc: unknown, approved: readonly unknown[]): string[] {
  const ok = new Set(approved.filter((a): a is string => typeof a === 'string'));
  const out = new Set<string>();
  for (const s of statementsOf(doc)) {
    if (!isAllow(s)) continue;
    for (const account of granteesOf(s).accounts) if (!ok.has(account)) out.add(account);
  }
  return [...out].sort();
}

/**
 * AWS Organizations that conditions of `Allow` statements grant to (`aws:PrincipalOrgID`,
 * `aws:PrincipalOrgPaths`, `aws:SourceOrgID`...) and that are not in `approved`, sorted. With no
 * approved organization nothing is judged ([]): which organization is the user's is unknown.
 * @example policyForeignOrganizations(doc, ['o-a1b2c3d4e5']) // ['o-f6g7h8i9j0']
 */
export function policyForeignOrganizations(doc: unknown, approved: readonly unknown[]): string[] {
  const ok = new Set(approved.filter((a): a is string => typeof a === 'string'));
  if (ok.size === 0) return [];
  const out = new Set<string>();
  for (const s of statementsOf(doc)) {
    if (!isAllow(s)) continue;
    for (const org of granteesOf(s).orgs) if (!ok.has(org)) out.add(org);
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

function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(action);
}
