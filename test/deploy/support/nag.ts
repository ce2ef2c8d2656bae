/**
 * cdk-nag 3 (AwsSolutions and Serverless packs) over a packaged CloudFormation template, in
 * process and offline: App > Stack > CfnInclude of the template, then `pack.validateScope(stack)`
 * (no synth, no cdk.out, no lookup: the Stack has no env).
 *
 * Suppressions: cdk-nag 3 no longer reads the template metadata `Metadata.cdk_nag.rules_to_suppress`
 * of cdk-nag 2; it honours only acknowledgements on constructs (`Validations.of(c).acknowledge`),
 * matched by exact finding id (`AwsSolutions-IAM5[Resource::*]`). {@link nagTemplate} bridges the
 * two: each `{ id, reason, applies_to? }` of a resource's metadata becomes an acknowledgement of
 * that resource, with cdk-nag 2's meaning (a bare id covers every finding of the rule on the
 * resource; `applies_to` lists the findings it covers). A suppression that matches no finding is
 * reported as unused, so a stale or mistyped one fails the test like a new finding does.
 *
 * Versions are pinned exactly in package.json (cdk-nag, aws-cdk-lib, constructs): the rules, and
 * AwsSolutions-L1's list of runtimes, come with them.
 */
import { readFileSync } from 'node:fs';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

// CfnInclude reads every property of AWS::Events::EventBusPolicy, including the deprecated
// `principal`: keep jsii's deprecation notice out of the test output.
process.env.JSII_DEPRECATED ??= 'quiet';

export interface NagFinding {
  pack: string;
  severity: 'error' | 'warning';
  /** Finding id: `AwsSolutions-L1`, or with the finding `AwsSolutions-IAM5[Resource::*]`. */
  ruleId: string;
  logicalId: string;
  type: string;
  message: string;
}

export interface NagResult {
  /** Findings left after the template's suppressions. */
  findings: NagFinding[];
  /** Findings a template suppression removed. */
  suppressed: NagFinding[];
  /** Template suppressions (`LogicalId:RuleId`) that matched no finding: stale or mistyped. */
  unusedSuppressions: string[];
}

/** One entry of `Metadata.cdk_nag.rules_to_suppress` (scripts/build-nag.ts writes them). */
export interface TemplateSuppression {
  id: string;
  reason: string;
  applies_to?: string[];
}

interface Template {
  Resources: Record<string, { Type: string; Metadata?: { cdk_nag?: { rules_to_suppress?: TemplateSuppression[] } } }>;
}

/** A reason is at least one sentence. */
const MIN_REASON = /\w.{8,}[.)]$/s;

const defaultPacks = (scope: IConstruct): NagPack[] => [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];

/** Runs the packs over the stack: one row per finding and resource, sorted. */
function collect(stack: Stack, packs: NagPack[]): NagFinding[] {
  const byPath = new Map<string, CfnResource>();
  for (const c of stack.node.findAll()) if (CfnResource.isCfnResource(c)) byPath.set(c.node.path, c);
  const rows: NagFinding[] = [];
  for (const pack of packs) {
    for (const v of pack.validateScope(stack).violations) {
      for (const r of v.violatingResources) {
        const res = r.constructPath ? byPath.get(r.constructPath) : undefined;
        rows.push({
          pack: pack.readPackName,
          severity: v.severity === 'warning' ? 'warning' : 'error',
          ruleId: v.ruleName,
          logicalId: res ? (stack.resolve(res.logicalId) as string) : String(r.constructPath),
          type: res?.cfnResourceType ?? '?',
          message: v.description,
        });
      }
    }
  }
  return rows.sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.logicalId.localeCompare(b.logicalId));
}

/**
 * The finding ids a suppression stands for, given the resource's findings: `id[finding]` for each
 * finding of `applies_to`; for a bare id, every finding of that rule on the resource (or the id
 * itself, for rules whose findings carry no detail).
 */
function expand(s: TemplateSuppression, found: readonly string[]): string[] {
  if (s.applies_to?.length) return s.applies_to.map((f) => `${s.id}[${f}]`);
  const details = found.filter((r) => r.startsWith(`${s.id}[`));
  return details.length > 0 ? details : [s.id];
}

/**
 * Acknowledges, on the included resources, the findings their metadata suppresses. Returns the
 * acknowledged `LogicalId:FindingId`s and the suppressions that matched none of `raw`.
 * @throws Error when a suppression has no id or no reason of at least one sentence.
 */
export function bridgeTemplateSuppressions(
  include: CfnInclude,
  template: Template,
  raw: readonly NagFinding[],
): { applied: string[]; unused: string[] } {
  const applied: string[] = [];
  const unused: string[] = [];
  for (const [logicalId, res] of Object.entries(template.Resources)) {
    const found = raw.filter((f) => f.logicalId === logicalId).map((f) => f.ruleId);
    for (const s of res.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
      if (!s.id || !MIN_REASON.test(s.reason ?? '')) {
        throw new Error(
          `${logicalId}: cdk_nag suppression ${s.id ?? '(no id)'} needs a reason of at least one sentence`,
        );
      }
      const ids = expand(s, found);
      if (!ids.some((id) => found.includes(id))) unused.push(`${logicalId}:${s.id}`);
      for (const id of ids) {
        Validations.of(include.getResource(logicalId)).acknowledge({ id, reason: s.reason });
        applied.push(`${logicalId}:${id}`);
      }
    }
  }
  return { applied, unused };
}

/**
 * Runs cdk-nag's AwsSolutions and Serverless packs over a template file.
 * @example const { findings, unusedSuppressions } = nagTemplate('.serverless/cloudformation-template-update-stack.json')
 */
export function nagTemplate(
  templatePath: string,
  opts: { packs?: (scope: IConstruct) => NagPack[]; honourTemplateSuppressions?: boolean } = {},
): NagResult {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'Nag');
  const include = new CfnInclude(stack, 'T', { templateFile: templatePath });
  const packs = (opts.packs ?? defaultPacks)(app);

  const raw = collect(stack, packs);
  if (opts.honourTemplateSuppressions === false) return { findings: raw, suppressed: [], unusedSuppressions: [] };

  const { applied, unused } = bridgeTemplateSuppressions(include, template, raw);
  const findings = applied.length > 0 ? collect(stack, packs) : raw;
  const key = (f: NagFinding) => `${f.logicalId}:${f.ruleId}`;
  const left = new Set(findings.map(key));
  return { findings, suppressed: raw.filter((f) => !left.has(key(f))), unusedSuppressions: unused };
}

/** One line per finding: severity, finding id, logical id, what the rule says. */
export function formatFindings(rows: readonly NagFinding[]): string {
  return rows
    .map((f) => `${f.severity.padEnd(7)} ${f.ruleId.padEnd(40)} ${f.logicalId.padEnd(40)} ${f.message}`)
    .join('\n');
}
