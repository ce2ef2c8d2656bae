/**
 * `npm run docs:rules`: writes docs/rules.md, the rule catalogue generated from the policy pack
 * (id, title, severity, trigger, controls, threats, references, the approved lists a rule needs,
 * number of test cases, grouped by area, with the pack version), how rules judge an event, and the
 * field-path checks against the AWS models (counts from checkPackPaths). `--check` writes nothing
 * and exits 1 when the file is stale.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeTrigger } from '../shared/sources/index.js';
import { PolicyPackError } from '../shared/policy/index.js';
import {
  checkPackPaths,
  loadModels,
  loadPolicyPack,
  MODEL_NAMING_EXCEPTIONS,
  type CompiledRule,
  type PolicyPack,
} from '../shared/policy/index.js';
import type { Rule } from '../shared/policy/index.js';
import { SEVERITIES } from '../shared/kernel/index.js';
import { describeError } from '../shared/kernel/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const POLICY_DIR = resolve(ROOT, 'policies');
export const RULES_DOC = resolve(ROOT, 'docs', 'rules.md');

/** Areas in the order the catalogue lists them; unknown areas follow alphabetically. */
const AREA_TITLES: Readonly<Record<string, string>> = {
  sagemaker: 'SageMaker training, processing, tuning, pipelines and model registry',
  bedrock: 'Bedrock model customization',
  s3: 'Training data (S3)',
  ecr: 'Training images (ECR)',
  iam: 'Identity (IAM)',
  kms: 'Keys (KMS)',
  network: 'Network',
  audit: 'Audit trail and the monitor itself',
  guardduty: 'GuardDuty findings',
  config: 'AWS Config items',
};

const CONTROL_NAMES: Readonly<Record<keyof Rule['controls'], string>> = {
  aicm: 'CSA AICM',
  iso42001: 'ISO/IEC 42001',
  euAiAct: 'EU AI Act',
  nistAi600: 'NIST AI 600-1',
  bsiAic4: 'BSI AIC4',
  bsiC5: 'BSI C5',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function controlsText(controls: Rule['controls']): string {
  return (Object.keys(CONTROL_NAMES) as (keyof Rule['controls'])[])
    .filter((k) => (controls[k] ?? []).length > 0)
    .map((k) => `${CONTROL_NAMES[k]} ${controls[k]!.join(', ')}`)
    .join('<br>');
}

function threatsText(threats: Rule['threats']): string {
  return (
    [
      threats.atlas.length > 0 ? `ATLAS ${threats.atlas.join(', ')}` : '',
      threats.owasp.length > 0 ? `OWASP ${threats.owasp.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('<br>') || '-'
  );
}

function ruleRow(c: CompiledRule): string {
  const r = c.rule;
  const cells = [
    `**${r.id}**<br>${r.title}`,
    r.severity,
    `\`${describeTrigger(r.on)}\``,
    controlsText(r.controls),
    threatsText(r.threats),
    r.references.join('<br>') || '-',
    c.needs.map((k) => `approved.${k}`).join('<br>') || '-',
    String(r.tests.length),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

const byId = (a: CompiledRule, b: CompiledRule) => a.rule.id.localeCompare(b.rule.id, 'en', { numeric: true });

function areaOrder(areas: Iterable<string>): string[] {
  const known = Object.keys(AREA_TITLES);
  return [...new Set(areas)].sort(
    (a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
}

function summary(pack: PolicyPack): string[] {
  const tests = pack.rules.reduce((n, c) => n + c.rule.tests.length, 0);
  const severities = SEVERITIES.map((s) => `${pack.rules.filter((c) => c.rule.severity === s).length} ${s}`).join(', ');
  return [
    `Policy pack \`${pack.version}\`: **${pack.rules.length} rules** (${severities}), ${tests} test cases.`,
    '',
    'Every rule maps to CSA AICM MDS-01 (Training Pipeline Security) and carries its own violating and passing test',
    'cases (`npx tpguard rules test`). Failed calls (`errorCode`) are never violations unless a rule sets `includeFailed`.',
  ];
}

/** How a verdict is reached: what absence means, and what an empty approved list means. */
function judging(): string[] {
  return [
    '## How rules judge an event',
    '',
    '- **Absent is unknown.** A rule reads what it needs plainly (`req.roleArn`, `detail.RoleArn`): when the event',
    '  lacks it, the verdict is `cannot-evaluate` naming the field (`detail.RoleArn is absent`), informational, never a',
    "  violation, and never a pass that resolves drift. CEL's `||` and `&&` still let what the event does carry decide:",
    '  a partial state change whose image is unpinned is a violation. A default (`req.?x.orValue(...)`) is used only where',
    '  absence has a known meaning: an optional request member means the API default (no VPC, no isolation, the AWS',
    '  key), an update member means unchanged, a Config supplementary configuration is recorded only when set.',
    '- **Empty is not configured.** `approved.kmsKeys`, `images`, `executionRoles`, `dataLocations` and `principals`',
    '  list what may be used; while one is empty a rule needing it says `not-configured` (counted, never recorded) and',
    '  each run says once which key to set. `approved.accounts` empty means the own account only; `approved.organizations`',
    '  empty means grants restricted to an organization are not judged; `approved.modelApprovers` empty means',
    '  `approved.principals`. The "Needs" column is derived from what each rule reads; `npx tpguard rules list` shows',
    '  which rules wait for configuration under your `tpguard.config.yaml`.',
    '',
  ];
}

/** The field-path proofs: counts, sources, conventions, and that no peer does this. */
function provenPaths(pack: PolicyPack): string[] {
  const { counts } = checkPackPaths(pack);
  const models = loadModels();
  const sources = Object.entries(models.generatedFrom)
    .map(([p, v]) => `\`${p}@${v}\``)
    .join(', ');
  return [
    '## Field paths proven against the AWS API models',
    '',
    `\`npx tpguard rules validate\` proves **${counts.checked} field paths** the rules read against what their triggers deliver`,
    `(${counts.request} request/response paths against the input or output of the API operations a CloudTrail trigger`,
    `names, ${counts.detail} against the CloudTrail record, GuardDuty finding and state-change schemas, ${counts.configItem} against`,
    `the Config item of the resource type), and ${counts.config} \`config.*\` paths against the configuration schema. A path no`,
    'model has is an error naming the rule, the path and the nearest real member (`did you mean enableNetworkIsolation?`);',
    'so is an optional read of a member the request always carries (an invented default), and an eventName that is no',
    `operation. ${counts.whole} whole values handed to functions that walk them (\`s3Uris(req)\`) cannot be checked by path.`,
    '',
    'The models are an extract (`shared/policy/models/aws-models.json`, `npm run models:update`) of the AWS SDK for',
    `JavaScript v3 runtime schemas and of the CloudFormation and EventBridge schema-registry schemas: ${sources}`,
    '(Apache-2.0). CloudTrail lower-cases the first letter of member names; EC2 logs lists as `{items: [...]}`; S3 logs its',
    `XML bodies under their root element names. The exceptions, each with the public record that shows it (${MODEL_NAMING_EXCEPTIONS.length}):`,
    '',
    ...MODEL_NAMING_EXCEPTIONS.map((e) => `- \`${e.service}\`: ${e.what} (${e.evidence})`),
    '',
    'None of the peers checks this: Cloud Custodian validates its policy schema and filters, not the event paths',
    'a filter reads; Panther tests a rule only on its own sample events; Prowler checks resources through the SDK, not',
    'event fields. A typo there (`enableNetworkIsolaton`) never fires, and no test notices.',
    '',
  ];
}

/**
 * The Markdown catalogue of a pack. Deterministic: the same pack gives the same text.
 * @example renderRulesDoc(await loadPolicyPack('policies'))
 */
export function renderRulesDoc(pack: PolicyPack): string {
  const lines = [
    '# Rule catalogue',
    '',
    '<!-- Generated by `npm run docs:rules` from policies/. Do not edit by hand. -->',
    '',
    ...summary(pack),
    '',
    ...judging(),
    ...provenPaths(pack),
  ];
  for (const area of areaOrder(pack.rules.map((c) => c.area))) {
    const rules = pack.rules.filter((c) => c.area === area).sort(byId);
    lines.push(`## ${AREA_TITLES[area] ?? area} (\`policies/${area}/\`, ${rules.length})`, '');
    lines.push(
      '| Rule | Severity | Trigger | Controls | Threats | References | Needs | Tests |',
      '|---|---|---|---|---|---|---|---|',
    );
    lines.push(...rules.map(ruleRow), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

async function run(args: readonly string[]): Promise<number> {
  const text = renderRulesDoc(await loadPolicyPack(POLICY_DIR));
  if (args.includes('--check')) {
    const current = await readFile(RULES_DOC, 'utf8').catch(() => '');
    if (current === text) return 0;
    process.stderr.write('docs/rules.md is stale: run npm run docs:rules\n');
    return 1;
  }
  await mkdir(dirname(RULES_DOC), { recursive: true });
  await writeFile(RULES_DOC, text);
  process.stdout.write(`docs/rules.md: ${text.split('\n').length} lines\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      const lines = err instanceof PolicyPackError ? err.message.split('\n') : [describeError(err)];
      for (const l of lines) process.stderr.write(`${l}\n`);
      process.exitCode = 2;
    },
  );
}
