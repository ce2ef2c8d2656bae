import { globMatch, isRecord, MAX_ARN, parseArn } from '../../kernel/index.js';
import { EvaluationLimitError } from '../errors.js';
import { cidrPrefix } from './network.js';
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
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

/**
 * Largest policy document judged, as JSON text: above every AWS limit (KMS key policies 32 KB, S3
 * bucket policies 20 KB, IAM 10 KB). A larger one is `cannot-evaluate` with this reason, never
 * judged on a part.
 */
export const MAX_POLICY_CHARS = 128 * 1024;

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
  if (typeof doc === 'string' && doc.length > MAX_POLICY_CHARS)
    throw new EvaluationLimitError(`policy document of ${doc.length} characters (larger than any AWS accepts)`);
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
const RESTRICTING_OPERATORS = new Set(
  ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress'].map((o) =>
    o.toLowerCase(),
  ),
);
/** Operators whose values are patterns: `*` and `?` are wildcards (ArnEquals is ArnLike, as IAM documents). */
const PATTERN_OPERATORS = new Set(['stringlike', 'arnlike', 'arnequals']);

/** The restricting operator a condition key names, lower-cased without `ForAnyValue:`, or undefined. */
function restrictingOperator(operator: string): string | undefined {
  const lower = operator.toLowerCase();
  const base = lower.startsWith('foranyvalue:') ? lower.slice('foranyvalue:'.length) : lower;
  return RESTRICTING_OPERATORS.has(base) ? base : undefined;
}

/** Condition keys whose whole value names one party (an account, an organization, a VPC, an endpoint). */
const LITERAL_KEYS = new Set([
  'aws:sourceaccount',
  'aws:principalaccount',
  'kms:calleraccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:resourceorgid',
  'aws:sourceorgid',
  'aws:sourcevpc',
  'aws:sourcevpce',
]);

/** Narrowest address range that counts as "known callers": at most 65,536 IPv4 addresses, or an IPv6 /48 site. */
const NARROW_IPV4_BITS = 16;
const NARROW_IPV6_BITS = 48;

const hasWildcard = (s: string) => s.includes('*') || s.includes('?');

/**
 * A value that narrows the callers to known parties. Under the pattern operators (`StringLike`,
 * `ArnLike`, `ArnEquals`) the part that names the party must be free of wildcards: `arn:*`,
 * `o-*` or `arn:aws:iam::*:role/x` (a role x any account can create) name everyone. An ARN keeps
 * its account literal (or, without one, its whole resource: S3 bucket names are global); an
 * `aws:PrincipalOrgPaths` path its organization; an `aws:userid` its unique id before the `:`.
 * An address range must be at least a /16 (IPv4) or /48 (IPv6): `0.0.0.0/1` + `128.0.0.0/1` is
 * the internet. `aws:username` never narrows: every account can have a user of that name.
 */
function narrows(operator: string, key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value === '*' || value.length > MAX_ARN) return false;
  if (key === 'aws:sourceip') {
    const prefix = cidrPrefix(value);
    return prefix !== undefined && prefix.bits >= (prefix.family === 4 ? NARROW_IPV4_BITS : NARROW_IPV6_BITS);
  }
  if (key === 'aws:username') return false;
  if (!PATTERN_OPERATORS.has(operator)) return true;
  if (LITERAL_KEYS.has(key)) return !hasWildcard(value);
  if (key === 'aws:principalorgpaths') return !hasWildcard(value.split('/')[0]!) && value.startsWith('o-');
  if (key === 'aws:userid') return !hasWildcard(value.split(':')[0]!) && value.split(':')[0]!.length > 0;
  const arn = parseArn(value);
  if (!arn) return false;
  if (arn.account !== '') return /^\d{12}$/.test(arn.account);
  return !hasWildcard(arn.resource) && arn.resource.length > 0;
}

function isRestricted(condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  for (const [operator, entries] of Object.entries(condition)) {
    const op = isRecord(entries) ? restrictingOperator(operator) : undefined;
    if (!op) continue;
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      const k = key.toLowerCase();
      if (!RESTRICTING_KEYS.has(k)) continue;
      const values = toList(value);
      if (values.length > 0 && values.every((x) => narrows(op, k, x))) return true;
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
  if (p.length === 12 && /^\d{12}$/.test(p)) return p;
  const m = /^arn:aws[\w-]{0,16}:(?:iam|sts)::(\d{12}):/.exec(p.slice(0, 64));
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

/** Actions allowed by `Allow` statements, as written (strings only); `*` for an Allow with `NotAction`. */
export function policyAllowedActions(doc: unknown): string[] {
  return statementsOf(doc)
    .filter(isAllow)
    .flatMap((s) => (s.NotAction !== undefined ? (grantsAllBut(s.NotAction) ? ['*'] : []) : toList(s.Action)))
    .filter((a): a is string => typeof a === 'string');
}

/** Strings of a policy element (`"x"` or `["x", ...]`), others left out. */
const patterns = (v: unknown) => toList(v).filter((p): p is string => typeof p === 'string');

/**
 * True when `NotAction` leaves something granted: an Allow with `NotAction` grants every action
 * it does not name (`NotAction: "iam:*"` is everything else: PowerUserAccess), unless it names `*`.
 */
function grantsAllBut(notAction: unknown): boolean {
  return !patterns(notAction).some((p) => p === '*');
}

/** True when a statement grants `action` (lower case): by `Action`, or by a `NotAction` that does not name it. */
function grantsAction(s: PolicyStatement, action: string): boolean {
  if (s.NotAction !== undefined) return !patterns(s.NotAction).some((p) => actionMatches(p.toLowerCase(), action));
  return patterns(s.Action).some((p) => actionMatches(p.toLowerCase(), action));
}

/**
 * True when the resource pattern `pattern` matches every resource whose ARN starts with `prefix`
 * (every name: `L(pattern)` contains `prefix` followed by any non-empty text). The pattern's
 * trailing run of `*` and `?` must hold a `*` and take what follows some prefix of `prefix`
 * that the rest of the pattern matches exactly (a literal character cannot match every name).
 * Linear in the pattern: the prefix is the rule's, a few dozen characters.
 * @example coversAll('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/') // true
 */
export function coversAll(pattern: string, prefix: string): boolean {
  if (pattern.length > MAX_ARN) return true; // no resource pattern is that long: taken for everything (fail closed)
  let tail = pattern.length;
  let questions = 0;
  let star = false;
  while (tail > 0 && (pattern[tail - 1] === '*' || pattern[tail - 1] === '?')) {
    tail--;
    if (pattern[tail] === '*') star = true;
    else questions++;
  }
  if (!star) return false;
  const head = pattern.slice(0, tail);
  for (let i = 0; i <= prefix.length; i++)
    if (prefix.length - i + 1 >= questions && globMatch(head, prefix.slice(0, i))) return true;
  return false;
}

/**
 * True when a statement's resources take in every resource under `prefix`: a `Resource` pattern
 * covering them all, or a `NotResource` (everything but what it names) that does not exclude them all.
 */
function grantsOnEvery(s: PolicyStatement, prefix: string): boolean {
  if (s.NotResource !== undefined) return !patterns(s.NotResource).some((p) => coversAll(p, prefix));
  return patterns(s.Resource).some((p) => coversAll(p, prefix));
}

/**
 * True when an `Allow` statement grants `action` (globs in the policy count: `*`, `iam:*`, and
 * `NotAction` lists that do not name it) on every resource: `Resource: "*"`, or, given the
 * `prefix` of the action's resource ARNs (`arn:aws:iam::111122223333:role/` for `iam:PassRole`),
 * any pattern covering every name under it (`arn:aws:iam::*:role/*`), or a `NotResource`.
 * @example policyAllowsOnAnyResource(doc, 'iam:PassRole', 'arn:aws:iam::111122223333:role/')
 */
export function policyAllowsOnAnyResource(doc: unknown, action: string, prefix = ''): boolean {
  const wanted = action.toLowerCase();
  return statementsOf(doc).some((s) => isAllow(s) && grantsAction(s, wanted) && grantsOnEvery(s, prefix));
}

/**
 * IAM action matching: case-insensitive, `*` and `?` wildcards. The pattern comes from the event
 * and the action from the rule: the linear glob matcher, never a RegExp built from the pattern (a
 * backtracking one took 98 s on `iam:` followed by forty `*`).
 */
function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action);
}
