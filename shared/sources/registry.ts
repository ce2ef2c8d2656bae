import * as z from 'zod';
import { isRecord } from '../kernel/index.js';
import { bedrockStateSource } from './bedrock-state.js';
import { cloudtrailSource } from './cloudtrail.js';
import { configFileFormat } from './config-file.js';
import { configItemSource } from './config-item.js';
import type {
  BusEnvelope,
  EnvelopeNormalizer,
  FileFormatDefinition,
  GeneratedPattern,
  RawShape,
  SourceDefinition,
} from './definition.js';
import { SourceRegistryError } from './errors.js';
import { guarddutySource } from './guardduty.js';
import { sagemakerStateSource } from './sagemaker-state.js';
import type { Observation, TriggerKey } from './types.js';

/**
 * Every source tpguard reads, by name. The order is the order of the generated patterns and of
 * the raw shapes intake tries. Each module declares its source; listing it here registers it (an
 * explicit list, not an import for its side effect: the bundles drop modules nobody imports).
 */
export const SOURCES = [cloudtrailSource, guarddutySource, configItemSource, bedrockStateSource, sagemakerStateSource];

/**
 * The files tpguard reads whose records sit in one top-level array other than `Records` (which
 * CloudTrail log files and SNS/SQS deliveries share, read by intake itself). Registered like sources.
 */
export const FILE_FORMATS: readonly FileFormatDefinition[] = [configFileFormat];

/** The top-level keys whose arrays the reader streams element by element: `Records` and each file format's. */
export const STREAMED_KEYS: readonly string[] = ['Records', ...FILE_FORMATS.map((f) => f.key)];

/** The file format whose array a parsed document holds, if any. */
export function fileFormatOf(doc: Record<string, unknown>): FileFormatDefinition | undefined {
  return FILE_FORMATS.find((f) => Array.isArray(doc[f.key]));
}

/** The file format of a streamed key. */
export function fileFormatByKey(key: string): FileFormatDefinition | undefined {
  return FILE_FORMATS.find((f) => f.key === key);
}

type TriggerOf<D> = D extends SourceDefinition<infer T> ? T : never;

/** A rule's `on:` block: the union of every source's trigger. */
export type Trigger = TriggerOf<(typeof SOURCES)[number]>;

/** The registry's view of a definition: its trigger is one of the union. */
type Definition = SourceDefinition<Trigger>;
const DEFINITIONS = SOURCES as readonly SourceDefinition[] as readonly Definition[];

function indexBy<K>(what: string, entries: [K, Definition][]): Map<K, Definition> {
  const map = new Map<K, Definition>();
  for (const [key, def] of entries) {
    const other = map.get(key);
    if (other) throw new SourceRegistryError(`${what} "${String(key)}" is claimed by ${other.name} and ${def.name}`);
    map.set(key, def);
  }
  return map;
}

/**
 * Indexes definitions by trigger source and by detail-type; throws {@link SourceRegistryError} when
 * two share a name, a trigger source or a detail-type (each must mean one thing).
 * @example indexSources(SOURCES).byDetailType.get('GuardDuty Finding')?.name // 'guardduty'
 */
export function indexSources(definitions: readonly SourceDefinition[]): {
  bySource: Map<string, Definition>;
  byDetailType: Map<string, Definition>;
} {
  const defs = definitions as readonly Definition[];
  indexBy(
    'source name',
    defs.map((d) => [d.name, d]),
  );
  return {
    bySource: indexBy(
      'trigger source',
      defs.map((d) => [d.source, d]),
    ),
    byDetailType: indexBy(
      'detail-type',
      defs.flatMap((d) => Object.keys(d.detailTypes).map((dt): [string, Definition] => [dt, d])),
    ),
  };
}

const { bySource: BY_SOURCE, byDetailType: BY_DETAIL_TYPE } = indexSources(DEFINITIONS);

/** The detail-types tpguard accepts from EventBridge. */
export const SUPPORTED_DETAIL_TYPES: readonly string[] = [...BY_DETAIL_TYPE.keys()];

/** The normalizer of an EventBridge detail-type, if a source reads it. */
export function normalizerOf(detailType: string): EnvelopeNormalizer | undefined {
  return BY_DETAIL_TYPE.get(detailType)?.detailTypes[detailType];
}

/** The raw (envelope-less) shapes, in registry order. */
export const RAW_SHAPES: readonly RawShape[] = DEFINITIONS.flatMap((d) => (d.raw ? [d.raw] : []));

function definitionOf(on: Trigger): Definition {
  const def = BY_SOURCE.get(on.source);
  if (!def) throw new SourceRegistryError(`no source "${on.source}"`);
  return def;
}

/**
 * The schema of a rule's `on:` block, derived from the sources (a discriminated union on `source`).
 * @example TriggerSchema.parse({ source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy'] })
 */
export const TriggerSchema = z.discriminatedUnion(
  'source',
  DEFINITIONS.map((d) => d.trigger) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<Trigger>;

/** Problems of a parsed trigger that its schema cannot express. */
export function checkTrigger(on: Trigger): string[] {
  return definitionOf(on).checkTrigger?.(on) ?? [];
}

/** A trigger in one line: `cloudtrail s3.amazonaws.com PutBucketPolicy,DeleteBucketPolicy`. */
export function describeTrigger(on: Trigger): string {
  return definitionOf(on).describeTrigger(on);
}

/**
 * True when the trigger's observations carry the resource's whole state (Config items, job
 * state changes): only such rules are reconciled by a baseline.
 * @example isWholeStateTrigger({ source: 'config', detailType: 'Config Configuration Item Change', resourceType: ['AWS::S3::Bucket'] }) // true
 */
export function isWholeStateTrigger(on: Trigger): boolean {
  return definitionOf(on).wholeState?.(on) ?? false;
}

/** The trigger-index keys of a rule's trigger, with the name of the source they belong to. */
export function triggerKeysOf(on: Trigger): { source: string; keys: ReturnType<Definition['triggerKeys']> } {
  const def = definitionOf(on);
  return { source: def.name, keys: def.triggerKeys(on) };
}

/** The trigger-index key of an observation and the source it belongs to; undefined for an unknown detail-type. */
export function observationKeyOf(t: TriggerKey): { source: string; key: string } | undefined {
  const def = BY_DETAIL_TYPE.get(t.detailType);
  return def ? { source: def.name, key: def.observationKey(t) } : undefined;
}

/**
 * The EventBridge patterns that deliver exactly the events these triggers can match, source by
 * source in registry order, each with the target it routes to. Never a catch-all.
 * @example patternsOf(pack.rules.map((r) => r.rule.on))[0] // { name: 'CloudTrailS3', target: 'cloudtrail', pattern: {...} }
 */
export function patternsOf(triggers: readonly Trigger[]): GeneratedPattern[] {
  return DEFINITIONS.flatMap((def) => {
    const mine = triggers.filter((on) => on.source === def.source);
    if (mine.length === 0) return [];
    return def.patterns(mine).map((p) => ({ name: p.name, target: def.route.target, pattern: p.pattern }));
  });
}

/** Which ingest function receives each pattern target. */
export const INGEST_ROUTES: Readonly<Record<string, string>> = Object.fromEntries(
  DEFINITIONS.map((d): [string, string] => [d.route.target, d.route.functionKey]),
);

function isEnvelope(v: Record<string, unknown>): boolean {
  return typeof v['detail-type'] === 'string' && typeof v.source === 'string' && isRecord(v.detail);
}

/**
 * The EventBridge event an observation arrived in, or would have: raw CloudTrail records, GuardDuty
 * findings and configuration items (log files, exports) are wrapped the way EventBridge delivers
 * them, so the local bus routes every input with the same generated patterns as AWS.
 * @example envelopeOf(observation)['detail-type'] // 'AWS API Call via CloudTrail'
 */
export function envelopeOf(obs: Observation): BusEnvelope {
  if (isEnvelope(obs.raw)) return obs.raw as unknown as BusEnvelope;
  const def = BY_SOURCE.get(obs.source);
  const wrapped = def?.wrap
    ? def.wrap(obs)
    : { 'detail-type': obs.trigger.detailType, source: `aws.${obs.source}`, detail: obs.detail };
  return {
    version: '0',
    id: obs.eventId,
    ...wrapped,
    account: obs.account,
    time: obs.eventTime,
    region: obs.region,
    resources: [],
  };
}
