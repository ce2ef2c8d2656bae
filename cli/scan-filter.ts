import type { Command } from 'commander';
import { globMatch, SEVERITIES, SEVERITY_RANK, type Severity } from '../shared/kernel/index.js';
import type { PolicyPack } from '../shared/policy/index.js';
import { CliError } from './errors.js';

/**
 * What `tpguard scan` reports: `--severity` (that level and above), `--account`, `--region` and
 * `--rule` (globs over rule ids). Plain data, so the same filter can travel to worker threads.
 */
export interface ScanFilter {
  minSeverity?: Severity;
  accounts?: string[];
  regions?: string[];
  rules?: string[];
}

/** `--fail-on`: the least severe violation that makes the exit status 1; `none`: violations never do. */
export type FailOn = Severity | 'none';

/** The fields of a row the filter reads. */
export interface FilterableRow {
  severity: string;
  account: string;
  region: string;
  ruleId: string;
}

const ACCOUNT = /^\d{12}$/;
/** eu-west-1, us-gov-west-1, cn-north-1, ap-southeast-5 ... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Collects a repeatable, comma-separated option: `--account A --account B,C` gives [A, B, C]. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function severityOf(option: string, value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value))
    throw new CliError(`${option} must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

/** The options `scan` reads this module's settings from. */
export interface FilterOptions {
  severity?: string;
  failOn?: string;
  account?: string[];
  region?: string[];
  rule?: string[];
}

/**
 * The filter of the options, checked against the pack: a bad level, account id or region, or a
 * `--rule` glob that matches no rule of the pack (a typo that would report nothing) is a usage error.
 * @example scanFilterOf({ severity: 'high', rule: ['TPS-S3-*'] }, pack) // { minSeverity: 'high', rules: ['TPS-S3-*'] }
 */
export function scanFilterOf(opts: FilterOptions, pack: PolicyPack): ScanFilter {
  const filter: ScanFilter = {};
  const minSeverity = severityOf('--severity', opts.severity);
  if (minSeverity) filter.minSeverity = minSeverity;
  if (opts.account?.length) {
    const bad = opts.account.find((a) => !ACCOUNT.test(a));
    if (bad !== undefined) throw new CliError(`--account: ${bad} is not a 12-digit account id`);
    filter.accounts = opts.account;
  }
  if (opts.region?.length) {
    const bad = opts.region.find((r) => !REGION.test(r));
    if (bad !== undefined) throw new CliError(`--region: ${bad} is not a region name such as eu-west-1`);
    filter.regions = opts.region;
  }
  if (opts.rule?.length) {
    const unmatched = opts.rule.find((g) => !pack.rules.some((r) => globMatch(g, r.rule.id)));
    if (unmatched !== undefined)
      throw new CliError(`--rule: ${unmatched} matches no rule of the pack (see: tpguard rules list)`);
    filter.rules = opts.rule;
  }
  return filter;
}

/** `--fail-on LEVEL|none`; default `informational`: any reported violation fails. */
export function failOnOf(value: string | undefined): FailOn {
  if (value === undefined) return 'informational';
  if (value === 'none') return 'none';
  const level = severityOf('--fail-on', value);
  if (!level) throw new CliError(`--fail-on must be one of ${SEVERITIES.join(', ')}, none`);
  return level;
}

/** True when a rule of this id and severity can be reported at all (rule and severity filters). */
export function ruleSelected(filter: ScanFilter, ruleId: string, severity: string): boolean {
  if (filter.minSeverity && SEVERITY_RANK[severity as Severity] < SEVERITY_RANK[filter.minSeverity]) return false;
  return !filter.rules || filter.rules.some((g) => globMatch(g, ruleId));
}

/** True when a row is reported. */
export function keepRow(filter: ScanFilter, row: FilterableRow): boolean {
  if (filter.accounts && !filter.accounts.includes(row.account)) return false;
  if (filter.regions && !filter.regions.includes(row.region)) return false;
  return ruleSelected(filter, row.ruleId, row.severity);
}

/** True when a reported violation of this severity makes the exit status 1. */
export function fails(failOn: FailOn, severity: string): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity as Severity] >= SEVERITY_RANK[failOn];
}

/** Whether any filter is set (the summary then says how many violations it left out). */
export function filtering(filter: ScanFilter): boolean {
  return Object.keys(filter).length > 0;
}

/** Adds the filter options to `scan`. */
export function filterOptions(cmd: Command): Command {
  return cmd
    .option('--severity <level>', `report only this severity and above (${SEVERITIES.join(', ')})`)
    .option(
      '--fail-on <level>',
      'exit 1 only for a reported violation of this severity or above; none: never (default: informational, any)',
    )
    .option('--account <id>', 'only these accounts (repeat, or comma-separated)', collectList)
    .option('--region <name>', 'only these regions (repeat, or comma-separated)', collectList)
    .option('--rule <glob>', 'only rules whose id matches, e.g. "TPS-S3-*" (repeat, or comma-separated)', collectList);
}
