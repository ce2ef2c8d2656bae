import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/index.js';
import { EnvVars } from '../../shared/adapters/lambda/index.js';
import { TABLE_DEFINITION, TABLE_TTL } from '../../shared/adapters/aws/index.js';
import { TRANSITION_GROUP_DETAIL_TYPE } from '../../shared/drift/index.js';
import { loadPolicyPack, type PolicyPack } from '../../shared/policy/index.js';
import { generatePatterns } from '../../shared/policy/index.js';
import { type GeneratedPattern, INGEST_ROUTES } from '../../shared/sources/index.js';
import type { BundleReport } from '../../scripts/build-bundle.js';
import { DEPLOYED_FUNCTIONS, logicalIds, Trigger } from '../../scripts/build-functions.js';
import { FORWARDER_ROLE_PATH } from '../../scripts/build-bus.js';
import { OPERATOR_POLICY_IDS } from '../../scripts/build-operators.js';
import { slackParameterNames, toSchedulerCron } from '../../scripts/build-settings.js';
import type { Json } from '../helpers/fixtures.js';
import { awsCallsOf } from './support/aws-calls.js';
import { formatFindings, type NagResult, nagTemplate } from './support/nag.js';
import { copyProject, offlineEnv, PROJECT_ROOT, readTemplate, run, type Run } from './support/package-run.js';
import {
  allowedActions,
  asList,
  isRefTo,
  ofType,
  roleStatements,
  type Resource,
  type Template,
} from './support/template.js';
import { readZip } from './support/zip.js';

const STAGE = ['--stage', 'ci', '--region', 'eu-west-1'];
const TEMPLATE = join('.serverless', 'cloudformation-template-update-stack.json');
const MAIN_TEMPLATE_COPY = 'main-template.json';
const ORG_ID = 'o-a1b2c3d4e5';
const OPERATOR_ROLES = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*';

/** Reserved concurrency of each function by default (serverless.yml params), and why in the README. */
const RESERVED_CONCURRENCY: Readonly<Record<string, number>> = {
  ingestCloudtrail: 10,
  ingestConfig: 5,
  ingestGuardduty: 2,
  notify: 5,
  digest: 1,
  reviewScheduler: 1,
  reviewReminder: 1,
  backfillWorker: 50,
};

let work: string;
let packaged: Run;
let networkLog: string;
let main: Template;
let mainWithOrg: Template;
let forwarder: Template;
let pack: PolicyPack;
let patterns: GeneratedPattern[];
let bundles: BundleReport[];
let firstHashes: Record<string, string>;

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const fnOf = (key: string) => main.Resources[logicalIds(key).fn]!;

beforeAll(() => {
  work = copyProject();
  networkLog = join(work, 'network.log');
  packaged = run('npm', ['run', 'package', '--', ...STAGE], work, offlineEnv(networkLog));
  if (packaged.status !== 0) return;
  main = readTemplate(work);
  forwarder = readTemplate(join(work, 'forwarder'));
  // Kept for cdk-nag: the organization run below packages over .serverless/.
  copyFileSync(join(work, TEMPLATE), join(work, MAIN_TEMPLATE_COPY));
  bundles = (JSON.parse(readFileSync(join(work, '.build', 'bundles.json'), 'utf8')) as { functions: BundleReport[] })
    .functions;
  firstHashes = Object.fromEntries(bundles.map((b) => [b.file, sha(join(work, b.artifact))]));
  const org = run(
    join(work, 'node_modules', '.bin', 'serverless'),
    [
      'package',
      ...STAGE,
      '--param',
      `organizationId=${ORG_ID}`,
      '--param',
      `operatorRoleArns=${OPERATOR_ROLES}`,
      '--param',
      'ingestCloudtrailConcurrency=40',
    ],
    work,
    offlineEnv(networkLog),
  );
  if (org.status === 0) mainWithOrg = readTemplate(work);
}, 600_000);

beforeAll(async () => {
  pack = await loadPolicyPack(join(PROJECT_ROOT, 'policies'));
  patterns = generatePatterns(pack);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Command: npm run package', () => {
  it('packages both stacks offline, without AWS credentials', () => {
    // Assess
    expect(packaged.status, packaged.output).toBe(0);
    expect(existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '').toBe('');
    expect(existsSync(join(work, '.serverless', 'cloudformation-template-update-stack.json'))).toBe(true);
    expect(existsSync(join(work, 'forwarder', '.serverless', 'cloudformation-template-update-stack.json'))).toBe(true);
  });

  it('prints the size of each bundle', () => {
    // Assess
    for (const fn of DEPLOYED_FUNCTIONS)
      expect(packaged.output).toMatch(new RegExp(`^${fn.key}\\s+\\d+\\.\\d KiB`, 'm'));
    expect(packaged.output).toContain(`${DEPLOYED_FUNCTIONS.length} functions`);
  });

  it('regenerates the EventBridge patterns from the policy pack', () => {
    // Act
    const written = JSON.parse(readFileSync(join(work, '.build', 'patterns.json'), 'utf8'));

    // Assess
    expect(written).toEqual({ packVersion: pack.version, patterns });
  });

  it('builds byte-identical packages from the same sources', () => {
    // Act
    const again = run('npm', ['run', 'build'], work, offlineEnv(networkLog));

    // Assess
    expect(again.status, again.output).toBe(0);
    expect(Object.fromEntries(bundles.map((b) => [b.file, sha(join(work, b.artifact))]))).toEqual(firstHashes);
  }, 300_000);
});

describe('Packages: one esbuild bundle per function', () => {
  it.each(DEPLOYED_FUNCTIONS.map((f) => [f.key, f]))(
    '%s: an ESM bundle with source map, the config and the pack',
    (_key, fn) => {
      // Prepare
      const report = bundles.find((b) => b.key === fn.key)!;

      // Act
      const files = readZip(readFileSync(join(work, report.artifact)));
      const names = files.map((f) => f.name);
      const code = files.find((f) => f.name === 'index.mjs')!.data.toString('utf8');

      // Assess
      expect(names).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map', 'tpguard.config.yaml']));
      expect(
        files
          .find((f) => f.name === 'tpguard.config.yaml')!
          .data.equals(readFileSync(join(work, 'tpguard.config.yaml'))),
      ).toBe(true);
      for (const c of pack.rules) expect(names).toContain(`policies/${c.area}/${c.rule.id}.yaml`);
      expect(code).toMatch(/\bexport\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: long lines
      expect(code).not.toMatch(/\bfrom\s*["']@aws-sdk\//); // the SDK is bundled, not imported from the runtime
      expect(report.awsClients.length).toBeGreaterThan(0);
    },
  );

  it.each(DEPLOYED_FUNCTIONS.filter((f) => f.trigger === Trigger.ingest).map((f) => [f.key]))(
    '%s: bundles only what ingest runs (no review, report or notify module)',
    (key) => {
      // Prepare
      const report = bundles.find((b) => b.key === key)!;

      // Act (the esbuild metafile's inputs that put bytes in the bundle)
      const foreign = report.sources.filter((p) =>
        /^shared\/(review|report|notify)\/|^shared\/adapters\/lambda\/(notify|review)-runtime/.test(p),
      );

      // Assess
      expect(report.sources).toContain('shared/ingest/pipeline.ts');
      expect(foreign).toEqual([]);
    },
  );

  it('pins every AWS SDK package to an exact version', () => {
    // Prepare
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };

    // Act
    const sdk = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));

    // Assess
    expect(sdk.length).toBeGreaterThan(0);
    for (const [name, version] of sdk) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      const installed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(installed.version, name).toBe(version);
    }
  });

  it.each(DEPLOYED_FUNCTIONS.map((f) => [f.key, f]))('%s: initializes from its package alone, offline', (_key, fn) => {
    // Prepare
    const report = bundles.find((b) => b.key === fn.key)!;
    const dir = join(work, 'unpacked', fn.file);
    for (const f of readZip(readFileSync(join(work, report.artifact)))) {
      mkdirSync(dirname(join(dir, f.name)), { recursive: true });
      writeFileSync(join(dir, f.name), f.data);
    }
    const vars = fnOf(fn.key).Properties.Environment.Variables as Record<string, unknown>;
    const env = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `deployed-${k.toLowerCase()}`]),
    );
    env[EnvVars.topicArn] = 'arn:aws:sns:eu-west-1:000000000000:tpguard-ci-alerts';
    env[EnvVars.chatbotTopicArn] = '';
    delete env.NODE_OPTIONS;

    // Act
    const init = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./index.mjs'); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(3); }",
      ],
      dir,
      offlineEnv(networkLog, {
        ...env,
        LAMBDA_TASK_ROOT: dir,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIAOFFLINETEST00000',
        AWS_SECRET_ACCESS_KEY: 'offline',
      }),
    );

    // Assess
    expect(init.status, init.output).toBe(0);
  });
});

describe('Stack: functions', () => {
  it(`deploys the ${DEPLOYED_FUNCTIONS.length} functions on nodejs24.x / arm64 with the pack version`, () => {
    // Act
    const functions = ofType(main, 'AWS::Lambda::Function');

    // Assess
    expect(functions.map(([id]) => id).sort()).toEqual(DEPLOYED_FUNCTIONS.map((f) => logicalIds(f.key).fn).sort());
    for (const [id, fn] of functions) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(isRefTo(fn.Properties.KmsKeyArn, 'TpguardKey', 'Arn'), id).toBe(true);
      const vars = fn.Properties.Environment.Variables;
      expect(vars[EnvVars.packVersion], id).toBe(pack.version);
      for (const name of Object.values(EnvVars)) expect(vars, id).toHaveProperty(name);
      expect(vars).toMatchObject({
        TPGUARD_CONFIG_FILE: 'tpguard.config.yaml',
        TPGUARD_POLICY_DIR: 'policies',
        TPGUARD_STAGE: 'ci',
        POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
      });
    }
  });

  it('gives each function its own role', () => {
    // Act
    const roles = DEPLOYED_FUNCTIONS.map((f) => fnOf(f.key).Properties.Role);

    // Assess
    for (const [i, f] of DEPLOYED_FUNCTIONS.entries())
      expect(isRefTo(roles[i], logicalIds(f.key).role, 'Arn'), f.key).toBe(true);
    expect(new Set(roles.map((r) => JSON.stringify(r))).size).toBe(DEPLOYED_FUNCTIONS.length);
    expect(main.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('sends failed asynchronous invocations to an encrypted SQS queue', () => {
    for (const f of DEPLOYED_FUNCTIONS) {
      // Act
      const config = ofType(main, 'AWS::Lambda::EventInvokeConfig').find(([, r]) =>
        isRefTo(r.Properties.FunctionName, logicalIds(f.key).fn),
      );

      // Assess
      expect(config, f.key).toBeDefined();
      const destination = config![1].Properties.DestinationConfig.OnFailure.Destination;
      expect(isRefTo(destination, 'FunctionFailureQueue', 'Arn'), f.key).toBe(true);
      expect(main.Resources.FunctionFailureQueue!.Type).toBe('AWS::SQS::Queue');
    }
  });

  it('sets a retention on every log group and encrypts it with the stack key', () => {
    // Act
    const groups = ofType(main, 'AWS::Logs::LogGroup');

    // Assess: one per function, and the backfill state machine's vended log group
    expect(groups.length).toBe(DEPLOYED_FUNCTIONS.length + 1);
    for (const [id, g] of groups) {
      expect(g.Properties.RetentionInDays, id).toBeGreaterThan(0);
      expect(isRefTo(g.Properties.KmsKeyId, 'TpguardKey', 'Arn'), id).toBe(true);
      expect(g.Properties.LogGroupName, id).toMatch(/^\/aws\/(lambda|vendedlogs\/states)\/tpguard-ci-/);
    }
  });

  it('lets CloudWatch Logs use the key for the log groups of this stack only', () => {
    // Act
    const statement = main.Resources.TpguardKey!.Properties.KeyPolicy.Statement.find(
      (s: Json) => s.Sid === 'FunctionLogGroups',
    );

    // Assess
    expect(statement.Principal).toEqual({ Service: { 'Fn::Sub': `logs.\${AWS::Region}.amazonaws.com` } });
    expect(statement.Action).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']));
    expect(statement.Action.some((a: string) => a.includes('*'))).toBe(false);
    expect(statement.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/tpguard-ci-*`,
          },
          {
            'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/vendedlogs/states/tpguard-ci-*`,
          },
        ],
      },
    });
  });

  it('reserves concurrency for every function, configurable with --param', () => {
    // Act
    const reserved = Object.fromEntries(
      DEPLOYED_FUNCTIONS.map((f) => [f.key, fnOf(f.key).Properties.ReservedConcurrentExecutions]),
    );
    const raised = mainWithOrg.Resources[logicalIds('ingestCloudtrail').fn]!.Properties.ReservedConcurrentExecutions;

    // Assess
    expect(reserved).toEqual(RESERVED_CONCURRENCY);
    expect(raised).toBe(40);
  });
});

const AWS_REQUIRED_STAR: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray has no resource-level permissions (Step Functions tracing)',
  'xray:GetSamplingTargets': 'X-Ray has no resource-level permissions (Step Functions tracing)',
  ...Object.fromEntries(
    [
      'CreateLogDelivery',
      'GetLogDelivery',
      'UpdateLogDelivery',
      'DeleteLogDelivery',
      'ListLogDeliveries',
      'PutResourcePolicy',
      'DescribeResourcePolicies',
      'DescribeLogGroups',
    ].map((a) => [`logs:${a}`, 'vended log deliveries (Step Functions execution logs) accept only *']),
  ),
};

describe('Stack: least-privilege IAM', () => {
  const roles = () => ofType(main, 'AWS::IAM::Role');

  it('allows no wildcard action in any role', () => {
    for (const [id, role] of roles()) {
      for (const s of roleStatements(role)) {
        for (const action of asList(s.Action)) expect(action, `${id} ${s.Sid}`).not.toContain('*');
      }
    }
    // Besides the roles, only the operators' managed policies (test/deploy/operator-policies.test.ts).
    expect(ofType(main, 'AWS::IAM::Policy').length).toBe(0);
    expect(ofType(main, 'AWS::IAM::ManagedPolicy').map(([id]) => id)).toEqual(Object.values(OPERATOR_POLICY_IDS));
  });

  it('scopes every resource, except the actions AWS only grants on *', () => {
    for (const [id, role] of roles()) {
      for (const s of roleStatements(role)) {
        const resources = asList(s.Resource);
        expect(resources.length, `${id} ${s.Sid}`).toBeGreaterThan(0);
        if (resources.includes('*')) {
          for (const a of asList(s.Action)) expect(AWS_REQUIRED_STAR, `${id}: ${a} on *`).toHaveProperty([a]);
        }
        for (const r of resources) if (typeof r === 'string' && r !== '*') expect(r, id).not.toMatch(/^arn:/); // ARNs are built from pseudo parameters
      }
    }
  });

  it('scopes each function to its own log group, the table, the bus, the topic, the key and the configured Slack parameters', async () => {
    // Prepare
    const config = await loadConfig(join(PROJECT_ROOT, 'tpguard.config.yaml'));
    const parameters = slackParameterNames(config).map((name) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
    }));
    const bus = { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/tpguard-ci` };

    for (const f of DEPLOYED_FUNCTIONS) {
      // Prepare
      const statements = roleStatements(main.Resources[logicalIds(f.key).role]!);
      const resourcesOf = (prefix: string) =>
        statements.filter((s) => asList(s.Action).some((a) => a.startsWith(prefix))).flatMap((s) => asList(s.Resource));

      // Assess
      expect(
        resourcesOf('logs:').every((r) => isRefTo(r, logicalIds(f.key).logGroup, 'Arn')),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('kms:').every((r) => isRefTo(r, 'TpguardKey', 'Arn') || isRefTo(r, 'ArchiveKeyArn')),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('s3:').every((r) =>
          /ArchiveBucket|BackfillResultsBucket\.Arn\}\/backfill\/\*/.test(JSON.stringify(r)),
        ),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('sqs:').every((r) => isRefTo(r, 'FunctionFailureQueue', 'Arn')),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('events:').every((r) => JSON.stringify(r) === JSON.stringify(bus)),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('dynamodb:').every(
          (r) =>
            isRefTo(r, 'TpguardTable', 'Arn') ||
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template
            JSON.stringify(r) === JSON.stringify({ 'Fn::Sub': '${TpguardTable.Arn}/index/gsi1' }),
        ),
        f.key,
      ).toBe(true);
      expect(
        resourcesOf('sns:').every(
          (r) =>
            isRefTo(r, 'AlertTopic') ||
            JSON.stringify(r).includes('"Fn::If":["HasChatbotTopic",{"Ref":"ChatbotTopicArn"}'),
        ),
        f.key,
      ).toBe(true);
      expect(resourcesOf('ssm:'), f.key).toEqual(f.access.includes('slackWebhooks') ? parameters : []);
    }
  });

  it('trusts only Lambda of this account in function roles', () => {
    for (const f of DEPLOYED_FUNCTIONS) {
      // Act
      const trust = main.Resources[logicalIds(f.key).role]!.Properties.AssumeRolePolicyDocument.Statement;

      // Assess
      expect(trust, f.key).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]);
    }
  });

  it.each(DEPLOYED_FUNCTIONS.map((f) => [f.key, f]))(
    '%s: grants exactly the AWS calls its bundle makes',
    async (_key, fn) => {
      // Prepare
      const report = bundles.find((b) => b.key === fn.key)!;
      const base = new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'sqs:SendMessage',
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);

      const securityHubOn =
        JSON.parse(readFileSync(join(work, '.build', 'deploy.json'), 'utf8')).securityHub === 'true';
      const slackOn = slackParameterNames(await loadConfig(join(work, 'tpguard.config.yaml'))).length > 0;

      // Act
      const calls = awsCallsOf(work, report.sources);
      const granted = [...allowedActions(main.Resources[logicalIds(fn.key).role]!)].filter((a) => !base.has(a)).sort();
      const services = new Set([...calls.actions].map((a) => a.split(':')[0]));
      // Security Hub is opt-in (notifications.securityHub): off, its calls are never made nor granted;
      // without an ssm: Slack webhook in the configuration, SSM is never called.
      const expected = [...calls.actions]
        .filter((a) => securityHubOn || !a.startsWith('securityhub:'))
        .filter((a) => slackOn || !a.startsWith('ssm:'))
        .sort();

      // Assess
      expect(calls.unknown, 'AWS SDK commands without a known IAM action').toEqual([]);
      expect(granted).toEqual(expected);
      const clientService: Record<string, string> = {
        dynamodb: 'dynamodb',
        eventbridge: 'events',
        sns: 'sns',
        ssm: 'ssm',
        securityhub: 'securityhub',
        s3: 's3',
      };
      for (const client of report.awsClients)
        expect(services, `${client} is bundled but never called`).toContain(
          clientService[client.replace('@aws-sdk/client-', '')],
        );
    },
  );
});

describe('Stack: data and encryption', () => {
  it('creates the table on demand with PITR, KMS, deletion protection, TTL and gsi1', () => {
    // Act
    const table = main.Resources.TpguardTable!;

    // Assess
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      TableName: 'tpguard-ci',
      BillingMode: TABLE_DEFINITION.BillingMode,
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: TABLE_TTL,
    });
    expect(isRefTo(table.Properties.SSESpecification.KMSMasterKeyId, 'TpguardKey')).toBe(true);
    expect(table.Properties.AttributeDefinitions).toEqual(TABLE_DEFINITION.AttributeDefinitions);
    expect(table.Properties.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(TABLE_DEFINITION.GlobalSecondaryIndexes);
  });

  it('creates a customer managed key with rotation, kept when the stack is removed', () => {
    // Act
    const key = main.Resources.TpguardKey!;

    // Assess
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('sends alert e-mails SNS cannot deliver to the encrypted events dead-letter queue', () => {
    // Act
    const subscription = main.Resources.AlertEmailSubscription!;
    const keyStatement = main.Resources.TpguardKey!.Properties.KeyPolicy.Statement.find(
      (s: Json) => s.Sid === 'AlertSubscriptionRedrive',
    );

    // Assess
    expect(isRefTo(subscription.Properties.RedrivePolicy.deadLetterTargetArn, 'EventsDeadLetterQueue', 'Arn')).toBe(
      true,
    );
    expect(keyStatement).toMatchObject({
      Principal: { Service: 'sns.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  it('encrypts the topic and every queue with the key', () => {
    // Act
    const encrypted = [...ofType(main, 'AWS::SNS::Topic'), ...ofType(main, 'AWS::SQS::Queue')];

    // Assess
    expect(encrypted.length).toBeGreaterThanOrEqual(3);
    for (const [id, r] of encrypted) expect(isRefTo(r.Properties.KmsMasterKeyId, 'TpguardKey'), id).toBe(true);
  });
});

const targetsOf = (rule: Resource) => rule.Properties.Targets as Resource['Properties'][];

describe('Stack: events', () => {
  it('subscribes the ingest functions with exactly the generated patterns', () => {
    for (const p of patterns) {
      // Act
      const rule = main.Resources[`Ingest${p.name}Rule`];

      // Assess
      expect(rule?.Properties.EventPattern, p.name).toEqual(p.pattern);
      expect(rule!.Properties.EventBusName, p.name).toBeUndefined(); // the default bus
      expect(isRefTo(targetsOf(rule!)[0]!.Arn, logicalIds(INGEST_ROUTES[p.target]!).fn, 'Arn'), p.name).toBe(true);
    }
  });

  it('never uses a catch-all pattern, and CloudTrail patterns always list their eventNames', () => {
    for (const [id, rule] of [...ofType(main, 'AWS::Events::Rule'), ...ofType(forwarder, 'AWS::Events::Rule')]) {
      // Prepare
      const pattern = rule.Properties.EventPattern as Resource['Properties'];

      // Assess
      expect(rule.Properties.ScheduleExpression, id).toBeUndefined();
      expect(
        pattern.source.every((s: unknown) => typeof s === 'string' && s.length > 0),
        id,
      ).toBe(true);
      expect(pattern['detail-type'].length, id).toBeGreaterThan(0);
      expect(JSON.stringify(pattern).length, id).toBeLessThanOrEqual(2048);
      if (pattern['detail-type'].includes('AWS API Call via CloudTrail')) {
        expect(pattern.detail.eventSource.length, id).toBeGreaterThan(0);
        expect(pattern.detail.eventName.length, id).toBeGreaterThan(0);
        expect(
          pattern.detail.eventName.every((n: unknown) => typeof n === 'string' && /^[A-Za-z0-9]+$/.test(n)),
          id,
        ).toBe(true);
      }
    }
  });

  it('gives every rule target a retry policy and an SQS dead-letter queue that accepts it', () => {
    for (const [t, label] of [
      [main, 'main'],
      [forwarder, 'forwarder'],
    ] as const) {
      for (const [id, rule] of ofType(t, 'AWS::Events::Rule')) {
        for (const target of targetsOf(rule)) {
          // Prepare
          const queueId = target.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;
          const policy = ofType(t, 'AWS::SQS::QueuePolicy').find(([, p]) =>
            isRefTo(p.Properties.Queues[0], queueId),
          )?.[1];
          const allowed = policy?.Properties.PolicyDocument.Statement.find(
            (s: Resource['Properties']) => s.Effect === 'Allow',
          );

          // Assess
          expect(target.RetryPolicy.MaximumRetryAttempts, `${label} ${id}`).toBeGreaterThan(0);
          expect(target.RetryPolicy.MaximumEventAgeInSeconds, `${label} ${id}`).toBeGreaterThan(0);
          expect(t.Resources[queueId]!.Type, `${label} ${id}`).toBe('AWS::SQS::Queue');
          expect(allowed.Principal, `${label} ${id}`).toEqual({ Service: 'events.amazonaws.com' });
          expect(
            allowed.Condition.ArnEquals['aws:SourceArn'].some((a: unknown) => isRefTo(a, id, 'Arn')),
            `${label} ${id}`,
          ).toBe(true);
        }
      }
    }
  });

  it('lets each rule invoke only its own target function', () => {
    for (const [id, rule] of ofType(main, 'AWS::Events::Rule')) {
      // Act
      const permission = ofType(main, 'AWS::Lambda::Permission').find(([, p]) =>
        isRefTo(p.Properties.SourceArn, id, 'Arn'),
      )?.[1];

      // Assess
      expect(permission?.Properties, id).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: targetsOf(rule)[0]!.Arn,
      });
    }
  });

  it('routes the transition groups on the tpguard bus to notify (one message per event and owner)', () => {
    // Prepare
    const rule = ofType(main, 'AWS::Events::Rule').find(([, r]) =>
      isRefTo(r.Properties.EventBusName, 'TpguardBus'),
    )?.[1];

    // Assess
    expect(main.Resources.TpguardBus).toMatchObject({
      Type: 'AWS::Events::EventBus',
      Properties: { Name: 'tpguard-ci' },
    });
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['tpguard'],
      'detail-type': [TRANSITION_GROUP_DETAIL_TYPE],
    });
    expect(isRefTo(targetsOf(rule!)[0]!.Arn, logicalIds('notify').fn, 'Arn')).toBe(true);
  });

  it('accepts events from the organization on the default bus only when organizationId is set', () => {
    // Prepare
    const policy = mainWithOrg.Resources.OrganizationBusPolicy!;

    // Assess
    expect(main.Parameters?.OrganizationId?.Default).toBe('');
    expect(mainWithOrg.Parameters?.OrganizationId?.Default).toBe(ORG_ID);
    expect(mainWithOrg.Conditions?.HasOrganization).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }],
    });
    expect(policy.Condition).toBe('HasOrganization');
    expect(policy.Properties).toMatchObject({
      EventBusName: 'default',
      Statement: {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
    });
  });

  it('accepts from the organization only the forwarder roles, with the sources and detail types of the patterns', () => {
    // Prepare
    const condition = mainWithOrg.Resources.OrganizationBusPolicy!.Properties.Statement.Condition;
    const forwarderPath = forwarder.Resources.ForwarderRole!.Properties.Path;

    // Assess
    expect(condition.StringEquals['events:source']).toEqual(
      [...new Set(patterns.flatMap((p) => p.pattern.source as string[]))].sort(),
    );
    expect(condition.StringEquals['events:detail-type']).toEqual(
      [...new Set(patterns.flatMap((p) => p.pattern['detail-type'] as string[]))].sort(),
    );
    expect(forwarderPath).toBe(FORWARDER_ROLE_PATH);
    expect(condition.ArnLike).toEqual({
      'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role${forwarderPath}*` },
    });
  });

  it('lets only the stack roles that publish transitions (and the operator roles given) put events on the tpguard bus', () => {
    // Prepare
    const publishers = DEPLOYED_FUNCTIONS.filter((f) => f.access.includes('busPublish')).map((f) => ({
      'Fn::GetAtt': [logicalIds(f.key).role, 'Arn'],
    }));
    const policy = main.Resources.TpguardBus!.Properties.Policy;
    const deny = policy.Statement.find((s: Json) => s.Effect === 'Deny');
    const allow = policy.Statement.find((s: Json) => s.Effect === 'Allow');
    const [condition, withOperators, rolesOnly] = deny.Condition.ArnNotLike['aws:PrincipalArn']['Fn::If'];

    // Assess
    expect(publishers.length).toBeGreaterThan(0);
    expect(deny).toMatchObject({ Principal: '*', Action: 'events:PutEvents' });
    expect(condition).toBe('HasOperatorRoles');
    expect(rolesOnly).toEqual(publishers);
    expect(withOperators).toEqual({
      'Fn::Split': [',', { 'Fn::Join': [',', [...publishers, { Ref: 'OperatorRoleArns' }]] }],
    });
    expect(allow.Condition.ArnLike['aws:PrincipalArn']).toEqual(deny.Condition.ArnNotLike['aws:PrincipalArn']);
    expect(allow.Condition.StringEquals).toEqual({ 'events:source': 'tpguard' });
    expect(allow.Resource).toEqual(deny.Resource);
    expect(allow.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/tpguard-ci`,
    });
    expect(main.Parameters?.OperatorRoleArns?.Default).toBe('');
    expect(mainWithOrg.Parameters?.OperatorRoleArns?.Default).toBe(OPERATOR_ROLES);
    expect(new RegExp(String(mainWithOrg.Parameters?.OperatorRoleArns?.AllowedPattern)).test(OPERATOR_ROLES)).toBe(
      true,
    );
  });
});

describe('Stack: alarms', () => {
  const alarms = () => ofType(main, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const routed = (a: Resource['Properties']) => a.AlarmActions.some((x: unknown) => isRefTo(x, 'AlertTopic'));

  it('alarms on errors and throttles of every function, to the alert topic', () => {
    for (const f of DEPLOYED_FUNCTIONS) {
      for (const metric of ['Errors', 'Throttles']) {
        // Act
        const alarm = alarms().find(
          (a) => a.MetricName === metric && isRefTo(a.Dimensions[0].Value, logicalIds(f.key).fn),
        );

        // Assess
        expect(alarm && routed(alarm), `${f.key} ${metric}`).toBe(true);
      }
    }
  });

  it('alarms on the depth of every dead-letter queue, to the alert topic', () => {
    for (const [id] of ofType(main, 'AWS::SQS::Queue')) {
      // Act
      const alarm = alarms().find(
        (a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && isRefTo(a.Dimensions[0].Value, id, 'QueueName'),
      );

      // Assess
      expect(alarm && routed(alarm), id).toBe(true);
    }
  });
});

describe('Stack: schedules', () => {
  const SCHEDULED: Record<string, string> = {
    ReviewSchedule: 'reviewScheduler',
    ReviewReminderSchedule: 'reviewReminder',
    DigestSchedule: 'digest',
  };

  it('schedules the review, the reminders and the digest in the configured timezone', async () => {
    // Prepare
    const config = await loadConfig(join(PROJECT_ROOT, 'tpguard.config.yaml'));

    for (const [id, fnKey] of Object.entries(SCHEDULED)) {
      // Act
      const schedule = main.Resources[id]!;

      // Assess
      expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
      expect(schedule.Properties.ScheduleExpressionTimezone, id).toBe(config.reviews?.timezone ?? 'UTC');
      expect(schedule.Properties.ScheduleExpression, id).toMatch(/^cron\(/);
      expect(isRefTo(schedule.Properties.Target.Arn, logicalIds(fnKey).fn, 'Arn'), id).toBe(true);
      expect(isRefTo(schedule.Properties.Target.RoleArn, 'SchedulerRole', 'Arn'), id).toBe(true);
      expect(schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts, id).toBeGreaterThan(0);
    }
    expect(main.Resources.ReviewSchedule!.Properties.ScheduleExpression).toBe(
      toSchedulerCron(config.reviews?.schedule ?? 'quarterly'),
    );
  });

  it('lets the scheduler role invoke the three scheduled functions and nothing else', () => {
    // Act
    const role = main.Resources.SchedulerRole!;
    const statements = roleStatements(role);

    // Assess
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'scheduler.amazonaws.com',
    });
    expect(statements.flatMap((s) => asList(s.Action))).toEqual(['lambda:InvokeFunction']);
    const resources = statements.flatMap((s) => asList(s.Resource));
    expect(resources.length).toBe(3);
    for (const fnKey of Object.values(SCHEDULED))
      expect(
        resources.some((r) => isRefTo(r, logicalIds(fnKey).fn, 'Arn')),
        fnKey,
      ).toBe(true);
  });
});

describe('Stack: portability', () => {
  it('hard-codes no account id, region or secret', () => {
    // Act
    const texts = [JSON.stringify(main), JSON.stringify(forwarder)];

    // Assess
    for (const text of texts) {
      expect(text).not.toMatch(/(?<!\d)\d{12}(?!\d)/);
      expect(text).not.toContain('eu-west-1');
      expect(text).not.toMatch(/hooks\.slack\.com|AKIA[0-9A-Z]{16}/);
    }
  });
});

describe('Stack: forwarder for member accounts', () => {
  it('forwards exactly the generated patterns to the central bus', () => {
    // Act
    const rules = ofType(forwarder, 'AWS::Events::Rule');

    // Assess
    expect(rules.map(([, r]) => r.Properties.EventPattern)).toEqual(patterns.map((p) => p.pattern));
    for (const [id, rule] of rules) {
      expect(targetsOf(rule)[0]!.Arn, id).toEqual({ Ref: 'CentralBusArn' });
      expect(isRefTo(targetsOf(rule)[0]!.RoleArn, 'ForwarderRole', 'Arn'), id).toBe(true);
    }
    expect(forwarder.Parameters?.CentralBusArn?.AllowedPattern).toContain('event-bus/default');
    expect(forwarder.Parameters?.CentralBusArn?.Default).toBeUndefined(); // deploying without it fails
    const state = JSON.parse(readFileSync(join(work, 'forwarder', '.serverless', 'serverless-state.json'), 'utf8'));
    expect(state.service.provider.stackParameters.map((p: { ParameterKey: string }) => p.ParameterKey)).toContain(
      'CentralBusArn',
    );
    expect(ofType(forwarder, 'AWS::Lambda::Function')).toEqual([]);
  });

  it('allows the forwarder role only events:PutEvents on the central bus', () => {
    // Act
    const role = forwarder.Resources.ForwarderRole!;

    // Assess
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'events.amazonaws.com',
    });
    expect(roleStatements(role)).toEqual([
      { Sid: 'CentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralBusArn' } },
    ]);
  });

  it('encrypts its dead-letter queue with a rotated key and alarms on it', () => {
    // Act
    const queue = forwarder.Resources.ForwarderDeadLetterQueue!;
    const alarm = ofType(forwarder, 'AWS::CloudWatch::Alarm')[0]?.[1];

    // Assess
    expect(isRefTo(queue.Properties.KmsMasterKeyId, 'ForwarderKey', 'Arn')).toBe(true);
    expect(forwarder.Resources.ForwarderKey!.Properties.EnableKeyRotation).toBe(true);
    expect(isRefTo(alarm?.Properties.Dimensions[0].Value, 'ForwarderDeadLetterQueue', 'QueueName')).toBe(true);
  });
});

describe('Stack: cdk-nag AwsSolutions and Serverless packs', () => {
  const results: Partial<Record<'main' | 'forwarder', NagResult>> = {};
  const nagOf = (stack: 'main' | 'forwarder') =>
    (results[stack] ??= nagTemplate(
      stack === 'main' ? join(work, MAIN_TEMPLATE_COPY) : join(work, 'forwarder', TEMPLATE),
    ));

  it.each(['main', 'forwarder'] as const)(
    '%s stack: every finding is fixed or suppressed with a reason, and every suppression is used',
    (stack) => {
      // Act
      const result = nagOf(stack);

      // Assess
      expect(formatFindings(result.findings)).toBe('');
      expect(result.unusedSuppressions).toEqual([]);
      expect(result.suppressed.length).toBeGreaterThan(0);
    },
    120_000,
  );

  it('suppresses only what build-nag.ts and build-backfill.ts argue: X-Ray, vended logs, backfill executions and results, the runtime, destinations, dead-letter queues, the deployment bucket', () => {
    // Act
    const rules = new Set([...nagOf('main').suppressed, ...nagOf('forwarder').suppressed].map((f) => f.ruleId));

    // Assess
    expect([...rules].sort()).toEqual([
      // The backfill worker's role: cdk-nag cannot evaluate its conditional archive policy (Fn::If on
      // ArchiveBucket) and reports the rule as thrown; 'scopes each function ...' above checks those statements.
      'AwsSolutions-IAM5',
      // The backfill state machine's role (scripts/build-backfill.ts): its result prefix, the worker's versions, its child executions.
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<BackfillResultsBucket.Arn>/backfill/*]',
      'AwsSolutions-IAM5[Resource::<BackfillWorkerLambdaFunction.Arn>:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:tpguard-ci-backfill/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:tpguard-ci-backfill:*]',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SQS3',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaLatestVersion',
      'Serverless-LambdaStarPermissions',
      'Serverless-SQSRedrivePolicy',
    ]);
  }, 120_000);
});
