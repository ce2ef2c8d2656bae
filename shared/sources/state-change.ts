import * as z from 'zod';
import { rec, str } from '../kernel/index.js';
import { syntheticId } from './cloudtrail.js';
import { defineSource, type EnvelopeNormalizer, pascal, type SourceDefinition, sortedUnique } from './definition.js';
import { UnsupportedEventError } from './errors.js';
import { toIsoTime, UNKNOWN_TIME } from './time.js';
import type { ResourceRef, Source } from './types.js';

/** How one state-change detail-type names its resource. */
export interface StateChangeShape {
  resourceType: string;
  /** Fields of `detail` that name the resource, first match wins. */
  idFields: string[];
  arnFields: string[];
}

function resourceOf(
  shape: StateChangeShape,
  detail: Record<string, unknown>,
  envelope: Record<string, unknown>,
): ResourceRef {
  const arn =
    shape.arnFields.map((f) => str(detail, f)).find(Boolean) ??
    (Array.isArray(envelope.resources) && typeof envelope.resources[0] === 'string'
      ? envelope.resources[0]
      : undefined);
  // Without a name field, the id is the ARN's resource path: `pipeline/<name>` gives the name,
  // `model-package/<group>/<version>` gives `<group>/<version>` (not just the version number).
  const id =
    shape.idFields.map((f) => str(detail, f)).find(Boolean) ??
    (arn?.includes('/') ? arn.slice(arn.indexOf('/') + 1) : arn);
  if (!id) throw new UnsupportedEventError(`${shape.resourceType} state change without a job name or ARN`);
  const ref: ResourceRef = { type: shape.resourceType, id, name: id };
  if (arn) ref.arn = arn;
  const tags = Object.entries(rec(detail, 'Tags') ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (tags.length > 0) ref.tags = Object.fromEntries(tags);
  return ref;
}

/**
 * The normalizer of a service's state-change events: one shape per detail-type. A detail-type
 * without a shape (endpoints, batch inference: not training) is rejected.
 */
export function stateChangeNormalizer(
  source: Source,
  shapes: Readonly<Record<string, StateChangeShape>>,
): EnvelopeNormalizer {
  return (detail, envelope) => {
    const detailType = str(envelope, 'detail-type') ?? '';
    const shape = Object.hasOwn(shapes, detailType) ? shapes[detailType] : undefined;
    if (!shape) throw new UnsupportedEventError(`unsupported state change "${detailType}"`);
    return {
      eventId: str(envelope, 'id') || syntheticId('sc', envelope),
      eventTime: toIsoTime(envelope.time) ?? toIsoTime(detail.lastModifiedTime) ?? UNKNOWN_TIME,
      source,
      account: str(envelope, 'account') || 'unknown',
      region: str(envelope, 'region') || 'unknown',
      resources: [resourceOf(shape, detail, envelope)],
      trigger: { detailType },
      detail,
      raw: envelope,
    };
  };
}

/** The `on:` block of a state-change source: `{ source: sagemaker, detailType: [...] }`. */
export interface StateChangeTrigger<S extends Source> {
  source: S;
  detailType: string[];
}

/**
 * A service whose EventBridge state-change events (source `aws.<source>`) tpguard reads: rules name
 * detail-types; one pattern per service; routed with the other state changes.
 * @example export const bedrockStateSource = stateChangeSource('bedrock-state', 'bedrock', BEDROCK_STATE_SHAPES)
 */
export function stateChangeSource<S extends Source>(
  name: string,
  source: S,
  shapes: Readonly<Record<string, StateChangeShape>>,
): SourceDefinition<StateChangeTrigger<S>> {
  const normalize = stateChangeNormalizer(source, shapes);
  const detailTypes = Object.keys(shapes);
  return defineSource<StateChangeTrigger<S>>({
    name,
    source,
    detailTypes: Object.fromEntries(detailTypes.map((dt) => [dt, normalize])),
    trigger: z.strictObject({ source: z.literal(source), detailType: z.array(z.string().min(1)).min(1) }) as z.ZodType<
      StateChangeTrigger<S>
    >,
    example: { source, detailType: detailTypes.slice(0, 1) },
    triggerKeys: (on) => on.detailType.map((t) => ({ key: `dt|${t}`, prefix: false })),
    observationKey: (t) => `dt|${t.detailType}`,
    describeTrigger: (on) => `${on.source} ${on.detailType.join(',')}`,
    // A state change carries the job's whole description (the baseline reads it with Describe*).
    wholeState: () => true,
    patterns: (triggers) => [
      {
        name: `${pascal(source)}StateChange`,
        pattern: { source: [`aws.${source}`], 'detail-type': sortedUnique(triggers.flatMap((on) => on.detailType)) },
      },
    ],
    route: { target: 'statechange', functionKey: 'ingestConfig' },
  });
}
