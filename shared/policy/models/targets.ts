import { readFileSync } from 'node:fs';
import {
  CLOUDTRAIL_RECORD_FIELDS,
  CONFIG_ITEM_SOURCES,
  CONFIG_ITEM_VIEW,
  type ConfigPart,
  DETAIL_SOURCES,
  EXTRA_KEYS,
  operationFor,
} from './conventions.js';
import type { ModelExtract, ServiceModel } from './types.js';
import { type Naming, shapeView, treeFromPaths, treeView, union, type View } from './views.js';

/**
 * The views a rule's reads are checked against, per trigger: a CloudTrail operation's input or
 * output, the CloudTrail record, a GuardDuty or state-change `detail`, a Config item.
 */

let extract: ModelExtract | undefined;

/**
 * The committed extract, read once on first use (only `rules validate` and the tests need it: the
 * Lambda functions never do).
 */
export function loadModels(): ModelExtract {
  extract ??= JSON.parse(readFileSync(new URL('./aws-models.json', import.meta.url), 'utf8')) as ModelExtract;
  return extract;
}

const NAMING: Readonly<Record<string, Naming>> = {
  json: 'ct',
  'rest-json': 'ct',
  query: 'ct',
  ec2: 'ec2',
  'rest-xml': 's3top',
};

function service(host: string): ServiceModel | undefined {
  return loadModels().services[host];
}

/** The operation a CloudTrail eventName of a service calls, when the extract has it. */
export function operationOf(host: string, eventName: string): string | undefined {
  const svc = service(host);
  return svc ? operationFor(host, eventName, Object.keys(svc.ops)).op : undefined;
}

/** Where an operation's shape is: its input or output, then member steps (`[]` a list element). */
function apiView(
  host: string,
  op: string,
  side: 'in' | 'out',
  path: readonly string[] = [],
  naming?: Naming,
  renames?: Readonly<Record<string, string>>,
): View | undefined {
  const svc = service(host);
  const entry = svc?.ops[op];
  if (!svc || !entry) return undefined;
  let id = side === 'out' ? entry.out : entry.in;
  for (const seg of path) {
    const sh = svc.shapes[id];
    const m = sh?.m as Record<string, { s: string }> | { s: string } | undefined;
    id = seg === '[]' ? ((m as { s: string })?.s ?? '') : ((m as Record<string, { s: string }>)?.[seg]?.s ?? '');
  }
  return shapeView({ svc, op, renames }, id, naming ?? NAMING[svc.protocol] ?? 'ct');
}

/** A CloudTrail `requestParameters` (req) or `responseElements` (resp) of an operation, with CloudTrail's extra keys. */
export function cloudTrailView(host: string, op: string, side: 'req' | 'resp'): View | undefined {
  const api = apiView(host, op, side === 'req' ? 'in' : 'out');
  if (!api) return undefined;
  const extras = EXTRA_KEYS.filter(
    (x) => x.service === host && x.side === side && (x.ops === '*' || x.ops.includes(op)),
  ).flatMap((x) => x.keys);
  // Their values are strings, or lists of strings (S3 logs headers and markers as lists).
  return extras.length > 0
    ? union(api, treeView(Object.fromEntries(extras.map((k) => [k, true])), 'CloudTrail keys'))
    : api;
}

let recordView: View | undefined;
/** The fields of a CloudTrail record (`detail` of a CloudTrail rule). */
export function cloudTrailRecordView(): View {
  recordView ??= treeView(treeFromPaths(CLOUDTRAIL_RECORD_FIELDS), 'CloudTrail record');
  return recordView;
}

/** The `detail` of a GuardDuty or state-change event, or undefined when no source describes it. */
export function detailView(source: string, detailType: string): View | undefined {
  const src = DETAIL_SOURCES[`${source}:${detailType}`];
  if (!src) return undefined;
  const trees = loadModels().trees;
  return union(
    src.api ? apiView(src.api.service, src.api.op, 'out', src.api.path, src.api.naming) : undefined,
    src.event ? treeView(trees[`event:${src.event}`], src.event.split('@')[1]) : undefined,
    src.extra ? treeView(treeFromPaths(src.extra)) : undefined,
  );
}

/** The view of a Config item's `configuration` or `supplementary` (decoded) part. */
export function configPart(part: ConfigPart, label: string): View {
  if (part.from === 'cfn') return treeView(loadModels().trees[`cfn:${part.type}`], label);
  if (part.from === 'api')
    return apiView(part.service, part.op, 'out', part.path, 'lcfirst', part.renames) ?? { k: 'any' };
  return treeView(treeFromPaths(part.paths), label);
}

/** The `configItem(detail)` view of a Config item of a resource type, or undefined when none is described. */
export function configItemView(resourceType: string): View | undefined {
  const src = CONFIG_ITEM_SOURCES[resourceType];
  if (!src) return undefined;
  const parts: Record<string, () => View> = {
    configuration: () => configPart(src.configuration, 'configuration'),
    supplementary: () => configPart(src.supplementary, 'supplementary'),
    status: () => ({ k: 'scalar', t: 'string' }),
    deleted: () => ({ k: 'scalar', t: 'boolean' }),
  };
  return {
    k: 'struct',
    members: new Map(CONFIG_ITEM_VIEW.map((k) => [k, parts[k]!])),
    names: new Map(CONFIG_ITEM_VIEW.map((k) => [k, k])),
    required: new Set(CONFIG_ITEM_VIEW),
    label: `configItem(${resourceType})`,
  };
}
