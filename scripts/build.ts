/**
 * `npm run build`: everything serverless.yml reads, regenerated from the sources.
 *
 *   .build/patterns.json         the EventBridge patterns of the pack (as `tpguard rules patterns`)
 *   .build/deploy.json           pack version, timezone, schedules, opt-ins from tpguard.config.yaml
 *   .build/main-stack.json       ingest rules, roles, alarms, operator policies and outputs, bus
 *                                policies, log group keys and cdk-nag suppressions merged into serverless.yml
 *   .build/forwarder-stack.json  the member-account forwarding rules (forwarder/serverless.yml)
 *   .build/artifacts/<fn>.zip    one reproducible package per function: index.mjs (+ map),
 *                                tpguard.config.yaml and policies/
 *   .build/bundles.json          the sizes and bundled AWS clients of each package
 *
 * Works offline and without AWS credentials.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderTable } from '../cli/table.js';
import { configSnapshotPath, loadConfig } from '../shared/config/index.js';
import { TRANSITION_GROUP_DETAIL_TYPE } from '../shared/drift/index.js';
import { PolicyPackError } from '../shared/policy/index.js';
import { loadPolicyPack, PACK_SNAPSHOT_FILE, snapshotOf } from '../shared/policy/index.js';
import { generatePatterns } from '../shared/policy/index.js';
import type { GeneratedPattern } from '../shared/sources/index.js';
import { describeError, FileLoadError } from '../shared/kernel/index.js';
import { bundleFunction, packEntries, type BundleReport } from './build-bundle.js';
import { MissingHandlerError, SlackParameterError } from './build-errors.js';
import { DEPLOYED_FUNCTIONS } from './build-functions.js';
import { backfillResources } from './build-backfill.js';
import { organizationBusPolicy, tpguardBusPolicy } from './build-bus.js';
import { DEAD_LETTER_QUEUE_SUPPRESSIONS, DEPLOYMENT_BUCKET_SUPPRESSIONS, suppressionExtensions } from './build-nag.js';
import { operatorResources } from './build-operators.js';
import { deploySettings, slackParameterNames, slackParameterProblems } from './build-settings.js';
import {
  STATIC_IDS,
  alarmResources,
  forwarderResources,
  functionExtensions,
  ingestResources,
  mergeFragments,
  roleResources,
} from './build-stack.js';

export const BUILD_DIR = '.build';
export const CONFIG_FILE = 'tpguard.config.yaml';
export const POLICY_DIR = 'policies';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function writeJson(root: string, name: string, value: unknown): Promise<void> {
  await writeFile(join(root, BUILD_DIR, name), `${JSON.stringify(value, null, 2)}\n`);
}

/** The size table `npm run package` prints and the README quotes. */
export function sizeTable(reports: readonly BundleReport[]): string {
  const rows = reports.map((r) => [
    r.key,
    kb(r.zipBytes),
    kb(r.codeBytes),
    kb(r.sourceMapBytes),
    r.awsClients.map((c) => c.replace('@aws-sdk/client-', '')).join(' '),
  ]);
  const total = reports.reduce((s, r) => s + r.zipBytes, 0);
  return `${renderTable(['FUNCTION', 'ZIP', 'INDEX.MJS', 'SOURCE MAP', 'AWS SDK CLIENTS'], rows, 80)}\n${reports.length} functions, ${kb(total)} zipped in total`;
}

/** What an account must record for the pack's rules to see anything (derived from the patterns). */
export function prerequisites(patterns: readonly GeneratedPattern[]): string {
  const list = (xs: string[]) => (xs.length > 0 ? [...new Set(xs)].sort().join(', ') : 'none');
  const detail = (p: GeneratedPattern) => p.pattern.detail as { eventSource?: string[] } | undefined;
  const trail = patterns.filter((p) => p.target === 'cloudtrail').map((p) => detail(p)?.eventSource?.[0] as string);
  const config = patterns
    .filter((p) => p.target === 'config')
    .flatMap((p) => JSON.stringify(detail(p)).match(/AWS::[\w:]+/g) ?? []);
  const guardduty = patterns
    .filter((p) => p.target === 'guardduty')
    .map((p) => (p.pattern['detail-type'] as string[])[0]!);
  const state = patterns.filter((p) => p.target === 'statechange').flatMap((p) => p.pattern['detail-type'] as string[]);
  return [
    `CloudTrail management events (a trail) from: ${list(trail)}`,
    `AWS Config recorder resource types: ${list(config)}`,
    `GuardDuty events: ${list(guardduty)}`,
    `service events (no setup needed): ${list(state)}`,
  ].join('\n');
}

/**
 * Regenerates `.build/` from the pack, the configuration and the handlers.
 * @example await buildAll(process.cwd())
 */
export async function buildAll(root: string): Promise<{ reports: BundleReport[]; patterns: GeneratedPattern[] }> {
  const missing = DEPLOYED_FUNCTIONS.filter((f) => !existsSync(join(root, 'functions', `${f.file}.ts`))).map(
    (f) => `functions/${f.file}.ts`,
  );
  if (missing.length > 0) throw new MissingHandlerError(missing);
  const config = await loadConfig(join(root, CONFIG_FILE));
  const slackProblems = slackParameterProblems(config);
  if (slackProblems.length > 0) throw new SlackParameterError(slackProblems);
  const pack = await loadPolicyPack(join(root, POLICY_DIR));
  const patterns = generatePatterns(pack);
  const settings = deploySettings(config, pack.version);

  await rm(join(root, BUILD_DIR), { recursive: true, force: true });
  await mkdir(join(root, BUILD_DIR), { recursive: true });
  await writeJson(root, 'patterns.json', { packVersion: pack.version, patterns });
  await writeJson(root, 'deploy.json', settings);
  await writeJson(
    root,
    'main-stack.json',
    mergeFragments(
      ingestResources(patterns, [TRANSITION_GROUP_DETAIL_TYPE]),
      roleResources(DEPLOYED_FUNCTIONS, {
        securityHub: settings.securityHub === 'true',
        slackParameters: slackParameterNames(config),
      }),
      alarmResources(DEPLOYED_FUNCTIONS, [STATIC_IDS.eventsDlq, STATIC_IDS.failureQueue]),
      operatorResources({
        packVersion: pack.version,
        patterns: patterns.map((p) => p.name),
        functions: DEPLOYED_FUNCTIONS.map((f) => f.key),
      }),
      tpguardBusPolicy(DEPLOYED_FUNCTIONS),
      organizationBusPolicy(patterns),
      functionExtensions(DEPLOYED_FUNCTIONS),
      backfillResources(),
      {
        Resources: {},
        extensions: suppressionExtensions({
          [STATIC_IDS.eventsDlq]: DEAD_LETTER_QUEUE_SUPPRESSIONS(
            'every EventBridge rule target (DeadLetterConfig) and of the alert e-mail subscription (RedrivePolicy)',
          ),
          [STATIC_IDS.failureQueue]: DEAD_LETTER_QUEUE_SUPPRESSIONS(
            'every function (the on-failure destination of its EventInvokeConfig)',
          ),
          ServerlessDeploymentBucket: DEPLOYMENT_BUCKET_SUPPRESSIONS,
        }),
      },
    ),
  );
  await writeJson(
    root,
    'forwarder-stack.json',
    mergeFragments(forwarderResources(patterns), {
      Resources: {},
      extensions: suppressionExtensions({
        [STATIC_IDS.forwarderDlq]: DEAD_LETTER_QUEUE_SUPPRESSIONS('every forwarding rule target (DeadLetterConfig)'),
        ServerlessDeploymentBucket: DEPLOYMENT_BUCKET_SUPPRESSIONS,
      }),
    }),
  );

  // The YAML stays in the package for people reading it; the snapshots spare each cold start
  // the YAML parsing (the handlers prefer them, and validate them like the YAML).
  const extra = [
    { name: CONFIG_FILE, data: await readFile(join(root, CONFIG_FILE)) },
    { name: configSnapshotPath(CONFIG_FILE), data: Buffer.from(JSON.stringify(config)) },
    ...(await packEntries(join(root, POLICY_DIR))),
    { name: `${POLICY_DIR}/${PACK_SNAPSHOT_FILE}`, data: Buffer.from(JSON.stringify(snapshotOf(pack))) },
  ];
  const reports = await Promise.all(
    DEPLOYED_FUNCTIONS.map((fn) => bundleFunction(fn, { root, outDir: BUILD_DIR, extra })),
  );
  await writeJson(root, 'bundles.json', { packVersion: pack.version, functions: reports });
  return { reports, patterns };
}

/** What a failed build prints: `file: problem` lines, never a stack trace. */
export function errorText(err: unknown): string {
  if (err instanceof FileLoadError) return err.toLine();
  if (err instanceof PolicyPackError) return err.message;
  return describeError(err);
}

async function main(): Promise<number> {
  try {
    const { reports, patterns } = await buildAll(resolve('.'));
    process.stdout.write(`${sizeTable(reports)}\n\nThe account needs:\n${prerequisites(patterns)}\n`);
    return 0;
  } catch (err) {
    if (process.env.TPGUARD_DEBUG) console.error(err);
    process.stderr.write(`build: ${errorText(err)}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
