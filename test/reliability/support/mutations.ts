import fc from 'fast-check';
import { SUPPORTED_DETAIL_TYPES } from '../../../shared/sources/index.js';
import { isRecord } from '../../../shared/kernel/index.js';

/**
 * Value-level mutations of sample events, as fast-check arbitraries. A mutation names
 * a node of the event by index (`pick`, taken modulo the number of nodes) so that the
 * same mutation list applies to any seed and shrinks well.
 */
export type Mutation =
  | { kind: 'delete'; pick: number }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'field'; pick: number; value: unknown }
  | { kind: 'hugeString'; pick: number; unit: string; size: number }
  | { kind: 'hugeArray'; pick: number; element: unknown; size: number }
  | { kind: 'deepNest'; pick: number; depth: number; asArray: boolean }
  | { kind: 'protoKey'; pick: number; key: string }
  | { kind: 'envelope'; variant: EnvelopeVariant; detailType: string };

export const EnvelopeVariants = [
  'detailType',
  'dropDetailType',
  'sourceArray',
  'detailString',
  'detailArray',
  'addDetailType',
  'primitive',
] as const;
export type EnvelopeVariant = (typeof EnvelopeVariants)[number];

type Key = string | number;
type Path = Key[];

/** The value that marks prototype pollution; Object.prototype must never carry it. */
export const POLLUTION = { polluted: 'yes', toString: 'hijacked', isAdmin: true };

const wrongTyped = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 12 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constantFrom(
    '',
    'aws:sqs',
    'AWS API Call via CloudTrail',
    'NaN',
    '9999999999999',
    '-1',
    '1e400',
    '*',
    'arn:aws:iam::*:role/*',
    '0.0.0.0/0',
    'Z',
    '2026-13-45T99:99:99Z',
  ),
  // times at and past the ends of what an ISO-8601 string of four-digit years can say
  fc.constantFrom(
    1e15,
    8.64e15,
    -1,
    0,
    99_999_999_999,
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '99999-01-01',
  ),
);

/** Strings that stress the secret detectors' regular expressions when repeated. */
const HUGE_UNITS = [
  'A',
  'a1/',
  'Bearer ',
  'eyJ',
  ' ',
  'hf_',
  'sk-',
  'AKIA',
  '\u00e9',
  '\ud83d\ude00',
  '\\',
  '"',
  '\u0000',
];

const pick = fc.nat();

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), pick, value: wrongTyped }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('field' as const),
      pick,
      value: fc.oneof(wrongTyped, fc.constant(undefined)),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('hugeString' as const),
      pick,
      unit: fc.constantFrom(...HUGE_UNITS),
      size: fc.constantFrom(70_000, 300_000, 1_100_000),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('hugeArray' as const),
      pick,
      element: fc.constantFrom<unknown>('x', null, 7, { key: 'k', value: 'v' }, ['a'], {
        Key: 'ml:pipeline',
        Value: 'training',
      }),
      size: fc.constantFrom(10_000, 100_000),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('deepNest' as const),
      pick,
      depth: fc.constantFrom(100, 5_000, 50_000),
      asArray: fc.boolean(),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('protoKey' as const),
      pick,
      key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      variant: fc.constantFrom(...EnvelopeVariants),
      detailType: fc.constantFrom(...SUPPORTED_DETAIL_TYPES, 'Scheduled Event', '', 'GuardDuty Finding '),
    }),
    weight: 2,
  },
);

/** The fields normalizers and rules read: mutations aim at them more often than at others. */
const KEY_FIELDS = new Set([
  'eventTime',
  'time',
  'eventID',
  'id',
  'eventSource',
  'eventName',
  'detail-type',
  'source',
  'detail',
  'requestParameters',
  'responseElements',
  'userIdentity',
  'recipientAccountId',
  'awsRegion',
  'account',
  'region',
  'errorCode',
  'resources',
  'type',
  'updatedAt',
  'createdAt',
  'accountId',
  'resource',
  'service',
  'schemaVersion',
  'configurationItem',
  'configurationItemCaptureTime',
  'resourceType',
  'resourceId',
  'resourceName',
  'tags',
  'Tags',
  'arn',
  'ARN',
  'trainingJobName',
  'bucketName',
  'roleName',
  'keyId',
  'policy',
  'environment',
  'hyperParameters',
  'enableNetworkIsolation',
  's3BucketDetails',
  'accessKeyDetails',
  'instanceDetails',
  'newEvaluationResult',
  'TrainingJobName',
  'jobName',
  'pipelineArn',
]);

/** Paths of every node below the root (objects, arrays and leaves), breadth first, bounded. */
export function nodePaths(root: unknown, limit = 2_000): Path[] {
  const out: Path[] = [];
  const queue: { value: unknown; path: Path }[] = [{ value: root, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const { value, path } = queue.shift()!;
    const entries: [Key, unknown][] = Array.isArray(value)
      ? value.slice(0, 50).map((v, i) => [i, v])
      : isRecord(value)
        ? Object.entries(value)
        : [];
    for (const [k, v] of entries) {
      const p = [...path, k];
      out.push(p);
      if (p.length < 12) queue.push({ value: v, path: p });
    }
  }
  return out;
}

function parentOf(root: unknown, path: Path): Record<Key, unknown> | undefined {
  let node: unknown = root;
  for (const k of path.slice(0, -1)) node = (node as Record<Key, unknown>)[k];
  return typeof node === 'object' && node !== null ? (node as Record<Key, unknown>) : undefined;
}

function deep(depth: number, asArray: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { n: v };
  return v;
}

/** Defines an own enumerable property, as JSON.parse does for `"__proto__"`. */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const NODE_MUTATIONS: Record<
  Exclude<Mutation['kind'], 'envelope' | 'field'>,
  (parent: Record<Key, unknown>, key: Key, m: Mutation) => void
> = {
  delete: (parent, key) => {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  },
  replace: (parent, key, m) => {
    parent[key] = structuredClone((m as { value: unknown }).value);
  },
  hugeString: (parent, key, m) => {
    const { unit, size } = m as { unit: string; size: number };
    parent[key] = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  },
  hugeArray: (parent, key, m) => {
    const { element, size } = m as { element: unknown; size: number };
    // Distinct copies (a later mutation must change one element only), built natively:
    // 100,000 structuredClone calls cost seconds.
    parent[key] = JSON.parse(`[${new Array<string>(size).fill(JSON.stringify(element)).join(',')}]`);
  },
  deepNest: (parent, key, m) => {
    parent[key] = deep((m as { depth: number }).depth, (m as { asArray: boolean }).asArray);
  },
  protoKey: (parent, key, m) => {
    const target = parent[key];
    const holder = isRecord(target) ? target : parent;
    const name = (m as { key: string }).key;
    defineOwn(
      holder,
      name,
      name === 'constructor' ? { prototype: structuredClone(POLLUTION) } : structuredClone(POLLUTION),
    );
  },
};

/** JSON text of a value, or a marker string for a value JSON cannot hold (nested too deep). */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value ?? null);
  } catch {
    return '{"too":"deep"';
  }
}

function mutateEnvelope(event: unknown, m: Extract<Mutation, { kind: 'envelope' }>): unknown {
  if (m.variant === 'primitive') return [null, 42, 'not an event', true][m.detailType.length % 4];
  if (!isRecord(event)) return event;
  const edits: Record<Exclude<EnvelopeVariant, 'primitive'>, () => void> = {
    detailType: () => {
      if ('detail-type' in event) event['detail-type'] = m.detailType;
    },
    dropDetailType: () => void delete event['detail-type'],
    sourceArray: () => {
      event.source = ['aws.s3', 'aws.iam'];
    },
    detailString: () => {
      if ('detail' in event) event.detail = jsonText(event.detail);
    },
    detailArray: () => {
      if ('detail' in event) event.detail = [event.detail];
    },
    addDetailType: () => {
      event['detail-type'] = m.detailType;
    },
  };
  edits[m.variant]();
  return event;
}

/**
 * Applies mutations to a copy of `seed`. The result is still one event (never an
 * array, never a `{"Records": [...]}` file): containers are built separately.
 * @example applyMutations(leaf, [{ kind: 'delete', pick: 3 }])
 */
export function applyMutations(seed: unknown, mutations: readonly Mutation[]): unknown {
  let event = structuredClone(seed);
  for (const m of mutations) {
    if (m.kind === 'envelope') {
      event = mutateEnvelope(event, m);
      continue;
    }
    const all = nodePaths(event);
    const paths = m.kind === 'field' ? all.filter((p) => KEY_FIELDS.has(String(p[p.length - 1]))) : all;
    if (paths.length === 0) continue;
    const path = paths[m.pick % paths.length];
    const parent = parentOf(event, path);
    if (!parent) continue;
    const key = path[path.length - 1];
    if (m.kind !== 'field') NODE_MUTATIONS[m.kind](parent, key, m);
    else if (m.value === undefined) delete parent[key];
    else parent[key] = structuredClone(m.value);
  }
  return event;
}

/** A mutated event is a leaf when the intake would not unwrap it into several. */
export function isLeaf(v: unknown): boolean {
  return !Array.isArray(v) && !(isRecord(v) && Array.isArray(v.Records));
}
