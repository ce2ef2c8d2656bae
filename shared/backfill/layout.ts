import { ArchiveSelectionError } from './errors.js';

/**
 * Where AWS writes its archives in S3, so that a date range selects prefixes to list instead of
 * the whole bucket:
 *
 * - CloudTrail: `[<trail prefix>/]AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/`
 *   (month and day zero-padded; an organization trail adds the organization id).
 * - AWS Config: `[<prefix>/]AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigHistory/` and
 *   `.../ConfigSnapshot/` (month and day NOT padded: `2026/9/5/`).
 *
 * A month (or a year) wholly inside the range is one prefix (`2026/10/`), a partial one a prefix per
 * day, so three months of one account and region are three listings, not ninety-two.
 */

/** The archives tpguard reads by layout. */
export const ArchiveKinds = {
  cloudtrail: 'cloudtrail',
  configHistory: 'config-history',
  configSnapshot: 'config-snapshot',
} as const;
export type ArchiveKind = (typeof ArchiveKinds)[keyof typeof ArchiveKinds];

/** The service folder under an account, and the folder under the day (Config only). */
const FOLDERS: Readonly<Record<ArchiveKind, { service: string; leaf?: string; padded: boolean }>> = {
  cloudtrail: { service: 'CloudTrail', padded: true },
  'config-history': { service: 'Config', leaf: 'ConfigHistory/', padded: false },
  'config-snapshot': { service: 'Config', leaf: 'ConfigSnapshot/', padded: false },
};

/** A day as `YYYY-MM-DD` (UTC). */
export interface DateRange {
  from: string;
  to: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
/** A key prefix never holds more than this many days of one account and region (about 27 years). */
const MAX_DAYS = 10_000;

/** Days since the epoch of a `YYYY-MM-DD`, or undefined when it is not a real date. */
function dayNumber(day: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3]))
    return undefined;
  return t / 86_400_000;
}

/**
 * Checks a date range (inclusive, UTC days); throws {@link ArchiveSelectionError} naming the option.
 * @example checkRange({ from: '2026-10-01', to: '2026-12-31' })
 */
export function checkRange(range: DateRange): void {
  const from = dayNumber(range.from);
  const to = dayNumber(range.to);
  if (from === undefined) throw new ArchiveSelectionError('--from', `not a date YYYY-MM-DD: ${printable(range.from)}`);
  if (to === undefined) throw new ArchiveSelectionError('--to', `not a date YYYY-MM-DD: ${printable(range.to)}`);
  if (to < from) throw new ArchiveSelectionError('--to', `${range.to} is before --from ${range.from}`);
  if (to - from >= MAX_DAYS) throw new ArchiveSelectionError('--from', `a range of more than ${MAX_DAYS} days`);
}

/** Accounts given on the command line: 12 digits each. */
export function checkAccounts(accounts: readonly string[]): void {
  for (const a of accounts)
    if (!ACCOUNT.test(a)) throw new ArchiveSelectionError('--accounts', `not a 12-digit account id: ${printable(a)}`);
}

/** Regions given on the command line (`eu-west-1`, `us-gov-west-1`). */
export function checkRegions(regions: readonly string[]): void {
  for (const r of regions)
    if (!REGION.test(r)) throw new ArchiveSelectionError('--regions', `not an AWS region: ${printable(r)}`);
}

/** At most 60 printable characters of user input, for an error message. */
function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 60)}...` : clean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The date part of the prefixes covering a range: whole years, whole months, then days. */
export function datePrefixes(range: DateRange, padded: boolean): string[] {
  checkRange(range);
  const part = (n: number) => (padded ? pad(n) : String(n));
  const out: string[] = [];
  let day = dayNumber(range.from)!;
  const last = dayNumber(range.to)!;
  while (day <= last) {
    const d = new Date(day * 86_400_000);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const yearEnd = Date.UTC(y, 11, 31) / 86_400_000;
    const monthEnd = Date.UTC(y, m, 0) / 86_400_000;
    if (m === 1 && d.getUTCDate() === 1 && yearEnd <= last) {
      out.push(`${y}/`);
      day = yearEnd + 1;
    } else if (d.getUTCDate() === 1 && monthEnd <= last) {
      out.push(`${y}/${part(m)}/`);
      day = monthEnd + 1;
    } else {
      out.push(`${y}/${part(m)}/${part(d.getUTCDate())}/`);
      day++;
    }
  }
  return out;
}

/** One account's folder: `AWSLogs/[<org>/]<account>/`, with what the listing found. */
export interface AccountRoot {
  /** Key prefix of the account folder, ending in `/`. */
  prefix: string;
  account: string;
  organization?: string;
}

/**
 * The key prefixes to list for one kind of archive, accounts (their folders) and regions, and a
 * date range. Config's month prefixes hold both history and snapshot files: {@link acceptsKey}
 * keeps the right ones.
 * @example archivePrefixes('cloudtrail', [{ prefix: 'AWSLogs/111122223333/', account: '111122223333' }], ['eu-west-1'], { from: '2026-10-01', to: '2026-10-31' })
 * // ['AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/']
 */
export function archivePrefixes(
  kind: ArchiveKind,
  roots: readonly AccountRoot[],
  regions: readonly string[],
  range: DateRange,
): string[] {
  const folders = FOLDERS[kind];
  const dates = datePrefixes(range, folders.padded);
  const out: string[] = [];
  for (const root of roots)
    for (const region of regions)
      for (const date of dates) {
        const base = `${root.prefix}${folders.service}/${region}/${date}`;
        // A whole day of Config names its leaf folder; a month or year is filtered by key.
        out.push(folders.leaf && date.split('/').length === 4 ? `${base}${folders.leaf}` : base);
      }
  return out;
}

/** Whether a listed key belongs to the archive kind (Config: its leaf folder; CloudTrail: log files). */
export function acceptsKey(kind: ArchiveKind, key: string): boolean {
  const leaf = FOLDERS[kind].leaf;
  if (leaf) return key.includes(`/${leaf}`);
  return key.includes('/CloudTrail/');
}

/** The folder of a service under an account root, whose sub-folders are regions. */
export function serviceFolder(kind: ArchiveKind, root: AccountRoot): string {
  return `${root.prefix}${FOLDERS[kind].service}/`;
}

/** The last path segment of a common prefix (`AWSLogs/o-abc/` -> `o-abc`). */
export function lastSegment(prefix: string): string {
  const parts = prefix.split('/').filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? '';
}

export const isAccountId = (s: string) => ACCOUNT.test(s);
export const isOrganizationId = (s: string) => ORG.test(s);
export const isRegion = (s: string) => REGION.test(s);

/**
 * The `AWSLogs/` folder for a key prefix a user gave: the prefix cut after its `AWSLogs/`
 * segment, or the prefix with `AWSLogs/` appended.
 * @example logsRoot('trail/AWSLogs/111122223333/') // 'trail/AWSLogs/'
 */
export function logsRoot(prefix: string): string {
  const at = `/${prefix}`.indexOf('/AWSLogs/');
  if (at >= 0) return prefix.slice(0, at + 'AWSLogs/'.length);
  return `${prefix}${prefix === '' || prefix.endsWith('/') ? '' : '/'}AWSLogs/`;
}

/**
 * The planned prefixes narrowed to the part of the archive the user named (a prefix deeper than
 * `AWSLogs/`): a planned prefix under it is kept, one above it is replaced by it.
 */
export function narrowTo(prefixes: readonly string[], userPrefix: string): string[] {
  const out = new Set<string>();
  for (const p of prefixes) {
    if (p.startsWith(userPrefix)) out.add(p);
    else if (userPrefix.startsWith(p)) out.add(userPrefix);
  }
  return [...out];
}
