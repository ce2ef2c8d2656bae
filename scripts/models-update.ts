/**
 * `npm run models:update`: regenerates shared/policy/models/aws-models.json, the extract of the AWS
 * API models that `tpguard rules validate` checks rule paths against. Only this script reads the
 * models: it installs the pinned packages below into a temporary folder (never a dependency of
 * tpguard, never in a Lambda bundle), keeps only the operations the pack triggers on and the shapes
 * they reach, and writes the extract with its sources, versions and license.
 *
 *   npm run models:update                          # install the pinned packages into a temp dir (npm registry)
 *   npm run models:update -- --node-modules DIR    # or read them from an existing node_modules
 *   npm run models:update -- --check               # write nothing; exit 1 when the committed extract differs
 *
 * Sources: the @aws-sdk/client-* v3 packages' runtime schemas, read through @smithy/core/schema's
 * NormalizedSchema (the SDK's own reader); @aws-cdk/aws-service-spec for the CloudFormation resource
 * schemas (Config items of ECR repositories, notebooks) and the EventBridge schema-registry schemas
 * (GuardDuty findings and malware scans, SageMaker training-job state changes). aws-sdk v2 was
 * rejected: its models stopped with its end of support.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loadPolicyPack } from '../shared/policy/index.js';
import {
  CONFIG_ITEM_SOURCES,
  DETAIL_SOURCES,
  type ModelExtract,
  MODELS_FILE,
  operationFor,
  type Shape,
  type ShapeMember,
  type ServiceModel,
  type KeyTree,
} from '../shared/policy/index.js';
import { describeError } from '../shared/kernel/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** eventSource host -> the v3 client package and its protocol. Versions pinned: the extract is reproducible. */
export const CLIENTS: Readonly<Record<string, { pkg: string; version: string; protocol: string }>> = {
  'sagemaker.amazonaws.com': { pkg: '@aws-sdk/client-sagemaker', version: '3.1142.0', protocol: 'json' },
  'bedrock.amazonaws.com': { pkg: '@aws-sdk/client-bedrock', version: '3.1178.0', protocol: 'rest-json' },
  's3.amazonaws.com': { pkg: '@aws-sdk/client-s3', version: '3.1178.0', protocol: 'rest-xml' },
  'ec2.amazonaws.com': { pkg: '@aws-sdk/client-ec2', version: '3.1178.0', protocol: 'ec2' },
  'iam.amazonaws.com': { pkg: '@aws-sdk/client-iam', version: '3.1178.0', protocol: 'query' },
  'kms.amazonaws.com': { pkg: '@aws-sdk/client-kms', version: '3.1178.0', protocol: 'json' },
  'ecr.amazonaws.com': { pkg: '@aws-sdk/client-ecr', version: '3.1178.0', protocol: 'json' },
  'cloudtrail.amazonaws.com': { pkg: '@aws-sdk/client-cloudtrail', version: '3.1137.0', protocol: 'json' },
  'guardduty.amazonaws.com': { pkg: '@aws-sdk/client-guardduty', version: '3.1178.0', protocol: 'rest-json' },
  'config.amazonaws.com': { pkg: '@aws-sdk/client-config-service', version: '3.1124.0', protocol: 'json' },
  'events.amazonaws.com': { pkg: '@aws-sdk/client-eventbridge', version: '3.1178.0', protocol: 'json' },
  'lambda.amazonaws.com': { pkg: '@aws-sdk/client-lambda', version: '3.1178.0', protocol: 'rest-json' },
  'dynamodb.amazonaws.com': { pkg: '@aws-sdk/client-dynamodb', version: '3.1178.0', protocol: 'json' },
};
export const SERVICE_SPEC = { pkg: '@aws-cdk/aws-service-spec', version: '0.1.216' };

// ------------------------------------------------------------------ v3 runtime schemas

/** The part of @smithy/core/schema's NormalizedSchema this script uses. */
interface Normalized {
  getSchema(): unknown;
  getName(): string | undefined;
  getMergedTraits(): Record<string, unknown>;
  isStructSchema(): boolean;
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isBooleanSchema(): boolean;
  isNumericSchema(): boolean;
  isBigIntegerSchema(): boolean;
  isBigDecimalSchema(): boolean;
  isTimestampSchema(): boolean;
  isBlobSchema(): boolean;
  isDocumentSchema(): boolean;
  getValueSchema(): Normalized;
  getKeySchema(): Normalized;
  structIterator(): Iterable<[string, Normalized]>;
}
type NormalizedFactory = { of(ref: unknown): Normalized };

function scalarOf(ns: Normalized): string {
  if (ns.isBooleanSchema()) return 'boolean';
  if (ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) return 'number';
  if (ns.isTimestampSchema()) return 'timestamp';
  if (ns.isBlobSchema()) return 'blob';
  if (ns.isDocumentSchema()) return 'document';
  return 'string';
}

/** Interns NormalizedSchemas into the extract's flat shape table. */
class ShapeTable {
  public readonly shapes: Record<string, Shape> = {};
  private readonly ids = new Map<unknown, string>();
  private n = 0;

  public intern(ns: Normalized): string {
    const id = this.idOf(ns);
    if (id in this.shapes) return id;
    if (id.startsWith('#list<')) this.shapes[id] = { t: 'list', m: { s: this.intern(ns.getValueSchema()) } };
    else if (id.startsWith('#map<')) this.shapes[id] = { t: 'map', v: this.intern(ns.getValueSchema()) };
    else if (id.startsWith('#')) this.shapes[id] = { t: id.slice(1) };
    else {
      this.shapes[id] = { t: 'pending' };
      this.shapes[id] = this.convert(ns);
    }
    return id;
  }

  private idOf(ns: Normalized): string {
    const raw = ns.getSchema();
    if (raw === 'unit') return '#unit';
    // Lists and maps of simple types are numeric sentinels in the static schemas.
    if (typeof raw === 'number' && ns.isListSchema()) return `#list<${this.idOf(ns.getValueSchema())}>`;
    if (typeof raw === 'number' && ns.isMapSchema()) return `#map<${this.idOf(ns.getValueSchema())}>`;
    if (typeof raw !== 'object' || raw === null) return `#${scalarOf(ns)}`;
    let id = this.ids.get(raw);
    if (!id) {
      id = ns.getName() ?? `_${this.n++}`;
      if (id in this.shapes) id = `${id}_${this.n++}`;
      this.ids.set(raw, id);
    }
    return id;
  }

  private member(ns: Normalized): ShapeMember {
    const tr = ns.getMergedTraits();
    const m: ShapeMember = { s: this.intern(ns) };
    if (tr.httpLabel) m.loc = 'uri';
    else if (tr.httpHeader !== undefined) [m.loc, m.ln] = ['header', String(tr.httpHeader)];
    else if (tr.httpPrefixHeaders !== undefined) [m.loc, m.ln] = ['headers', String(tr.httpPrefixHeaders)];
    else if (tr.httpQuery !== undefined) [m.loc, m.ln] = ['querystring', String(tr.httpQuery)];
    else if (tr.httpPayload) m.loc = 'payload';
    if (tr.xmlName !== undefined && m.ln === undefined) m.ln = String(tr.xmlName);
    if (tr.jsonName !== undefined && m.ln === undefined) m.ln = String(tr.jsonName);
    if (tr.xmlFlattened) m.fl = true;
    return m;
  }

  private convert(ns: Normalized): Shape {
    if (ns.isStructSchema()) {
      const m: Record<string, ShapeMember> = {};
      // A static structure schema is [3, namespace, name, traits, memberNames, memberSchemas, requiredCount]:
      // the required members come first. Checked against known required members in requiredSanity().
      const raw = ns.getSchema() as unknown[];
      const names = (Array.isArray(raw[4]) ? raw[4] : []) as string[];
      const required = typeof raw[6] === 'number' ? raw[6] : 0;
      for (const [k, mns] of ns.structIterator()) m[k] = this.member(mns);
      return { t: 'structure', m, req: names.slice(0, required) };
    }
    if (ns.isListSchema()) {
      const s: Shape = { t: 'list', m: this.member(ns.getValueSchema()) };
      if (ns.getMergedTraits().xmlFlattened) s.fl = true;
      return s;
    }
    if (ns.isMapSchema()) return { t: 'map', v: this.intern(ns.getValueSchema()) };
    return { t: scalarOf(ns) };
  }
}

type ClientModule = Record<string, unknown>;
const isOperation = (v: unknown): v is unknown[] => Array.isArray(v) && v[0] === 9;

function loadService(
  require: NodeJS.Require,
  Normalized: NormalizedFactory,
  host: string,
  eventNames: Iterable<string>,
): ServiceModel {
  const info = CLIENTS[host]!;
  const mod = require(info.pkg) as ClientModule;
  const allOps = Object.entries(mod)
    .filter(([k, v]) => k.endsWith('$') && isOperation(v))
    .map(([k]) => k.slice(0, -1));
  const table = new ShapeTable();
  const ops: ServiceModel['ops'] = {};
  for (const op of [...new Set([...eventNames].map((e) => operationFor(host, e, allOps).op))].sort()) {
    if (!op) continue;
    const s = mod[`${op}$`] as unknown[];
    ops[op] = { in: table.intern(Normalized.of(s[4])), out: table.intern(Normalized.of(s[5])) };
  }
  const version = (require(`${info.pkg}/package.json`) as { version: string }).version;
  return { host, protocol: info.protocol, source: `${info.pkg}@${version}`, ops, shapes: prune(table.shapes, ops) };
}

/** Only the shapes the kept operations reach. */
function prune(shapes: Record<string, Shape>, ops: ServiceModel['ops']): Record<string, Shape> {
  const keep = new Set<string>();
  const stack = Object.values(ops).flatMap((o) => [o.in, o.out]);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    const sh = shapes[id];
    if (sh?.t === 'structure')
      stack.push(...Object.values((sh.m ?? {}) as Record<string, ShapeMember>).map((m) => m.s));
    else if (sh?.t === 'list' && sh.m) stack.push((sh.m as ShapeMember).s);
    else if (sh?.t === 'map' && sh.v) stack.push(sh.v);
  }
  return Object.fromEntries([...keep].sort().map((id) => [id, shapes[id]!]));
}

// ------------------------------------------------------------------ @aws-cdk/aws-service-spec

interface SpecType {
  type?: string;
  reference?: { $ref: string };
  element?: SpecType;
  types?: SpecType[];
}
interface SpecDb {
  resources: {
    cloudFormationType: string;
    properties?: Record<string, { type: SpecType }>;
    attributes?: Record<string, { type: SpecType }>;
  }[];
  types: Map<string, { properties?: Record<string, { type: SpecType }> }>;
  events: { name: string; rootProperty: { $ref: string } }[];
  eventTypes: Map<string, { properties?: Record<string, { type: SpecType }> }>;
}

function loadSpec(file: string): SpecDb {
  const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    schema: Record<string, { entities: { $id: string }[] }>;
  };
  const entities = <T>(k: string) => raw.schema[k]!.entities as unknown as T[];
  type Typed = { $id: string; properties?: Record<string, { type: SpecType }> };
  return {
    resources: entities<SpecDb['resources'][number]>('resource'),
    types: new Map(entities<Typed>('typeDefinition').map((e) => [e.$id, e])),
    events: entities<SpecDb['events'][number]>('event'),
    eventTypes: new Map(entities<Typed>('eventTypeDefinition').map((e) => [e.$id, e])),
  };
}

/** Deepest nesting read from a schema (they are acyclic in practice; the bound keeps a cycle finite). */
const MAX_SPEC_DEPTH = 14;

function typeTree(ty: SpecType | undefined, lookup: SpecDb['types'], depth: number): KeyTree {
  if (!ty || depth > MAX_SPEC_DEPTH) return 'unknown';
  switch (ty.type) {
    case 'ref':
      return propsTree(lookup.get(ty.reference!.$ref)?.properties ?? {}, lookup, depth + 1);
    case 'array':
      return { '[]': typeTree(ty.element, lookup, depth + 1) };
    case 'map':
      return { '{}': typeTree(ty.element, lookup, depth + 1) };
    case 'union': {
      const alts = (ty.types ?? []).map((t) => typeTree(t, lookup, depth + 1));
      const objects = alts.filter((a): a is Record<string, KeyTree> => typeof a === 'object');
      return objects.length === 0 ? (alts[0] ?? 'unknown') : Object.assign({}, ...objects);
    }
    case 'json':
      return true;
    case 'tag':
      return { Key: 'string', Value: 'string' };
    default:
      return ty.type ?? 'unknown';
  }
}

function propsTree(props: Record<string, { type: SpecType }>, lookup: SpecDb['types'], depth: number): KeyTree {
  return Object.fromEntries(Object.entries(props).map(([k, p]) => [k, typeTree(p.type, lookup, depth)]));
}

/** Properties (and attributes) of a CloudFormation resource type. */
function cfnTree(db: SpecDb, cfnType: string): KeyTree {
  const r = db.resources.find((e) => e.cloudFormationType === cfnType);
  if (!r) throw new Error(`${SERVICE_SPEC.pkg}: no resource ${cfnType}`);
  const tree = propsTree(r.properties ?? {}, db.types, 0) as Record<string, KeyTree>;
  for (const [k, a] of Object.entries(r.attributes ?? {}))
    if (!k.includes('.') && tree[k] === undefined) tree[k] = typeTree(a.type, db.types, 0);
  return tree;
}

/** The `detail` of an EventBridge schema-registry event. */
function eventTree(db: SpecDb, name: string): KeyTree {
  const e = db.events.find((x) => x.name === name);
  if (!e) throw new Error(`${SERVICE_SPEC.pkg}: no event ${name}`);
  const rec = (id: string, depth: number): KeyTree => {
    const t = db.eventTypes.get(id);
    if (!t || depth > MAX_SPEC_DEPTH) return true;
    return Object.fromEntries(Object.entries(t.properties ?? {}).map(([k, p]) => [k, evType(p.type, depth)]));
  };
  const evType = (ty: SpecType | undefined, depth: number): KeyTree => {
    if (!ty) return 'unknown';
    if (ty.type === 'ref') return rec(ty.reference!.$ref, depth + 1);
    if (ty.type === 'array') return { '[]': evType(ty.element, depth + 1) };
    if (ty.type === 'map') return { '{}': evType(ty.element, depth + 1) };
    if (ty.type === 'json' || ty.type === 'union') return true;
    return ty.type ?? 'unknown';
  };
  return rec(e.rootProperty.$ref, 0);
}

// ------------------------------------------------------------------ the extract

/** Required members that must come out as required: the static-schema layout this script relies on. */
function requiredSanity(services: Record<string, ServiceModel>): void {
  const sm = services['sagemaker.amazonaws.com'];
  const req = sm?.shapes[sm.ops.CreateTrainingJob?.in ?? '']?.req ?? [];
  if (!req.includes('RoleArn') || !req.includes('TrainingJobName'))
    throw new Error('CreateTrainingJob input does not require RoleArn and TrainingJobName: the schema layout changed');
}

async function install(dir: string): Promise<string> {
  const specs = [
    ...Object.values(CLIENTS).map((c) => `${c.pkg}@${c.version}`),
    `${SERVICE_SPEC.pkg}@${SERVICE_SPEC.version}`,
  ];
  process.stderr.write(`installing ${specs.length} packages into ${dir} ...\n`);
  execFileSync(
    'npm',
    ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', ...specs],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return join(dir, 'node_modules');
}

/** Builds the extract from the pack and the packages in `nodeModules`. */
export async function buildExtract(nodeModules: string): Promise<ModelExtract> {
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const need = new Map<string, Set<string>>();
  const add = (host: string, op: string) => need.set(host, (need.get(host) ?? new Set()).add(op));
  for (const c of pack.rules)
    if (c.rule.on.source === 'cloudtrail') for (const e of c.rule.on.eventName) add(c.rule.on.eventSource, e);
  for (const s of Object.values(DETAIL_SOURCES)) if (s.api) add(s.api.service, s.api.op);
  for (const s of Object.values(CONFIG_ITEM_SOURCES))
    if (s.configuration.from === 'api') add(s.configuration.service, s.configuration.op);
  const require = createRequire(join(nodeModules, 'noop.js'));
  const Normalized = (require('@smithy/core/schema') as { NormalizedSchema: NormalizedFactory }).NormalizedSchema;
  const services: Record<string, ServiceModel> = {};
  const generatedFrom: Record<string, string> = {};
  for (const host of [...need.keys()].sort()) {
    if (!CLIENTS[host]) throw new Error(`no client package for ${host}: add it to CLIENTS in scripts/models-update.ts`);
    services[host] = loadService(require, Normalized, host, need.get(host)!);
    generatedFrom[CLIENTS[host]!.pkg] = services[host]!.source.split('@').pop()!;
  }
  requiredSanity(services);
  const specDir = dirname(require.resolve(`${SERVICE_SPEC.pkg}/package.json`));
  const db = loadSpec(join(specDir, 'db.json.gz'));
  generatedFrom[SERVICE_SPEC.pkg] = (require(`${SERVICE_SPEC.pkg}/package.json`) as { version: string }).version;
  const trees: Record<string, KeyTree> = {};
  for (const s of Object.values(CONFIG_ITEM_SOURCES))
    if (s.configuration.from === 'cfn') trees[`cfn:${s.configuration.type}`] = cfnTree(db, s.configuration.type);
  for (const s of Object.values(DETAIL_SOURCES)) if (s.event) trees[`event:${s.event}`] = eventTree(db, s.event);
  return {
    $comment:
      'GENERATED by `npm run models:update` (scripts/models-update.ts); do not edit. Only the operations the policy pack triggers on and the shapes they reach.',
    license:
      'AWS API shapes from the AWS SDK for JavaScript v3 (Apache-2.0, Copyright Amazon.com, Inc. or its affiliates); CloudFormation resource and EventBridge schema-registry schemas from @aws-cdk/aws-service-spec (Apache-2.0, Copyright Amazon.com, Inc. or its affiliates).',
    generatedFrom: Object.fromEntries(Object.entries(generatedFrom).sort()),
    services,
    trees: Object.fromEntries(Object.entries(trees).sort()),
  };
}

async function run(args: readonly string[]): Promise<number> {
  const i = args.indexOf('--node-modules');
  const tmp = i >= 0 ? undefined : mkdtempSync(join(tmpdir(), 'tpguard-models-'));
  try {
    const nodeModules = tmp ? await install(tmp) : resolve(args[i + 1] ?? '');
    const extract = await buildExtract(nodeModules);
    const text = `${JSON.stringify(extract)}\n`;
    const file = join(ROOT, MODELS_FILE);
    if (args.includes('--check')) {
      if (readFileSync(file, 'utf8') === text) return 0;
      process.stderr.write(`${MODELS_FILE} is stale: run npm run models:update\n`);
      return 1;
    }
    writeFileSync(file, text);
    const ops = Object.values(extract.services).reduce((n, s) => n + Object.keys(s.ops).length, 0);
    const shapes = Object.values(extract.services).reduce((n, s) => n + Object.keys(s.shapes).length, 0);
    process.stdout.write(
      `${MODELS_FILE}: ${(text.length / 1024).toFixed(0)} KiB, ${Object.keys(extract.services).length} services, ${ops} operations, ${shapes} shapes, ${Object.keys(extract.trees).length} schema trees\n`,
    );
    return 0;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`models:update: ${describeError(err)}\n`);
      process.exitCode = 2;
    },
  );
}
