import type * as z from 'zod';
import type { Observation, Source, TriggerKey } from './types.js';

/** An EventBridge event as the bus delivers it. */
export interface BusEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** Reads the `detail` of one EventBridge detail-type (the envelope gives id, time, account, region). */
export type EnvelopeNormalizer = (detail: Record<string, unknown>, envelope: Record<string, unknown>) => Observation;

/** An input without an EventBridge envelope (a log-file record, an exported finding, a configuration item). */
export interface RawShape {
  /** True when an object without `detail-type` is of this shape. Cheap: it runs on every raw record. */
  matches(value: Record<string, unknown>): boolean;
  normalize(value: Record<string, unknown>): Observation;
}

/** One key a rule listens on in the trigger index; `prefix` keys match every observation key they start. */
export interface IndexKey {
  key: string;
  prefix: boolean;
}

/** An EventBridge rule pattern, before the registry adds the target it routes to. */
export interface PatternDraft {
  /** Stable name, usable as a CloudFormation logical id suffix. */
  name: string;
  pattern: Record<string, unknown>;
}

/** An EventBridge rule pattern generated from the pack. */
export interface GeneratedPattern extends PatternDraft {
  /** Which ingest function receives it (`route.target` of the source that generated it). */
  target: string;
}

/** Where a source's events go when deployed: a pattern target and the ingest function behind it. */
export interface SourceRoute {
  /** Name of the pattern group (`GeneratedPattern.target`). */
  target: string;
  /** Key of the ingest function in scripts/build-functions.ts. */
  functionKey: string;
}

/**
 * Everything tpguard knows about one event source. The rule schema, the trigger index, the
 * EventBridge patterns, the routing, the local bus envelopes and the docs are derived from these
 * (shared/sources/registry.ts), so a new source is one module plus its tests.
 */
export interface SourceDefinition<T extends { source: Source } = { source: Source }> {
  /** Registry name (the module's name): `cloudtrail`, `guardduty`, `config-item`, ... */
  name: string;
  /** The `source` of its observations and of a rule's `on:` block. */
  source: Source;
  /** Which EventBridge detail-types it reads, each with its normalizer. */
  detailTypes: Readonly<Record<string, EnvelopeNormalizer>>;
  /** Inputs it reads without an envelope, tried in registry order. */
  raw?: RawShape;
  /** The schema of a rule's `on:` block for this source (a strict object with a `source` literal). */
  trigger: z.ZodType<T>;
  /** A valid `on:` block: documents the shape and lets the registry test derive everything from it. */
  example: T;
  /** Problems the schema cannot express (`on.findingType is required ...`), as plain messages. */
  checkTrigger?(on: T): string[];
  /** The index keys a rule with this trigger listens on. */
  triggerKeys(on: T): IndexKey[];
  /** The index key of an observation of this source. */
  observationKey(t: TriggerKey): string;
  /** The trigger in one line, for `rules list` and docs/rules.md. */
  describeTrigger(on: T): string;
  /**
   * True when this trigger's observations carry the resource's whole state (a configuration
   * item, a job description), not one change: a pass then says the resource complies, so a
   * baseline read may resolve such a rule's drift (shared/baseline). Absent: never.
   */
  wholeState?(on: T): boolean;
  /** The patterns that deliver exactly what these triggers (every rule's of this source) can match. */
  patterns(triggers: readonly T[]): PatternDraft[];
  route: SourceRoute;
  /** How EventBridge wraps a raw record of this source (default: its detail-type and `aws.<source>`). */
  wrap?(obs: Observation): Pick<BusEnvelope, 'detail-type' | 'source' | 'detail'>;
}

/**
 * Declares a source; the identity function gives each module's definition its precise trigger type.
 * @example export const bedrockStateSource = defineSource({ name: 'bedrock-state', source: 'bedrock', ... })
 */
export function defineSource<T extends { source: Source }>(definition: SourceDefinition<T>): SourceDefinition<T> {
  return definition;
}

/** Distinct values, sorted: patterns list their values in one order whatever the pack's order. */
export const sortedUnique = (s: Iterable<string>): string[] => [...new Set(s)].sort();

/** `s3.amazonaws.com` -> `S3`, `Object Scan Result` -> `ObjectScanResult`: pattern names. */
export function pascal(s: string): string {
  return s
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))
    .replace(/^./, (c) => c.toUpperCase());
}

/** Adds `values` to the set kept under `key`. */
export function addAll<K>(map: Map<K, Set<string>>, key: K, values: Iterable<string>): void {
  const set = map.get(key) ?? new Set<string>();
  for (const v of values) set.add(v);
  map.set(key, set);
}

/**
 * A file whose records sit in one array of a top-level object, other than CloudTrail's `Records`:
 * AWS Config's configuration snapshots and history files (`configurationItems`). The reader streams
 * the array element by element (shared/events) and hands each to `item` with the document's other
 * top-level fields that came before it (`header`: `fileVersion`, `configSnapshotId`).
 */
export interface FileFormatDefinition {
  /** Registry name (the module's name): `config-file`. */
  name: string;
  /** The top-level key of the array. */
  key: string;
  /** One line for docs and help: which files these are. */
  description: string;
  /** One element of the array as an observation; throws for an element that is none (rejected with the message). */
  item(value: Record<string, unknown>, header: Record<string, unknown>): Observation;
}

/**
 * Declares a file format.
 * @example export const configFileFormat = defineFileFormat({ name: 'config-file', key: 'configurationItems', ... })
 */
export function defineFileFormat(definition: FileFormatDefinition): FileFormatDefinition {
  return definition;
}
