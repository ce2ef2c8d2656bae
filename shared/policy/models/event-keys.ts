import type { Observation } from '../../sources/index.js';
import { isRecord } from '../../kernel/index.js';
import { parseJsonEntries, parseJsonValue } from '../functions/values.js';
import type { Segment } from '../reads.js';
import { configItemView, cloudTrailView, detailView, operationOf } from './targets.js';
import { resolvePath, type View } from './views.js';

/**
 * The other direction of the path checks: every key of a real event must exist in the model under
 * the conventions. A key that does not is a gap in the conventions, or a sample that is not what
 * AWS sends.
 */

/** One key path of an event that no model view has. */
export interface UnresolvedKey {
  /** `s3.amazonaws.com PutBucketVersioning req`, `guardduty "GuardDuty Finding" detail` */
  part: string;
  /** `VersioningConfiguration.Staus` (up to the first step that does not resolve) */
  path: string;
}

/** Leaves looked at per event part: real events have a few hundred. */
const MAX_LEAVES = 5000;
const MAX_DEPTH = 32;

/** The leaf key paths of a JSON value (array elements as `[]`), bounded. */
function leaves(value: unknown): Segment[][] {
  const out: Segment[][] = [];
  const stack: [unknown, Segment[]][] = [[value, []]];
  while (stack.length > 0 && out.length < MAX_LEAVES) {
    const [v, segs] = stack.pop()!;
    const children: [unknown, Segment][] = Array.isArray(v)
      ? v.map((x) => [x, { k: 'elem' }] as [unknown, Segment])
      : isRecord(v)
        ? Object.entries(v).map(([k, x]) => [x, { k: 'field', name: k, opt: false }] as [unknown, Segment])
        : [];
    if (children.length === 0 || segs.length >= MAX_DEPTH) {
      if (segs.length > 0) out.push(segs);
      continue;
    }
    for (const [x, s] of children) stack.push([x, [...segs, s]]);
  }
  return out;
}

function text(segs: readonly Segment[]): string {
  return segs
    .map((s) => (s.k === 'field' ? `.${s.name}` : '[]'))
    .join('')
    .replace(/^\./, '');
}

function check(part: string, view: View | undefined, value: unknown, out: UnresolvedKey[]): void {
  if (!view) {
    out.push({ part, path: '(no model)' });
    return;
  }
  const seen = new Set<string>();
  for (const segs of leaves(value)) {
    const r = resolvePath(view, segs, true);
    if (r.ok) continue;
    const path = text(segs.slice(0, r.at + 1));
    if (!seen.has(path)) out.push({ part, path });
    seen.add(path);
  }
}

/**
 * The keys of an observation's record that its model does not have.
 * @example unresolvedKeys(obs) // [{ part: 'kms.amazonaws.com PutKeyPolicy req', path: 'policy.Statement' }]
 */
export function unresolvedKeys(obs: Observation): UnresolvedKey[] {
  const out: UnresolvedKey[] = [];
  const d = obs.detail;
  if (obs.source === 'cloudtrail') {
    const host = obs.trigger.eventSource ?? '';
    const name = obs.trigger.eventName ?? '';
    const op = operationOf(host, name);
    const part = `${host} ${name}`;
    if (!op) return [{ part, path: '(no operation in the models)' }];
    if (isRecord(d.requestParameters)) check(`${part} req`, cloudTrailView(host, op, 'req'), d.requestParameters, out);
    if (isRecord(d.responseElements)) check(`${part} resp`, cloudTrailView(host, op, 'resp'), d.responseElements, out);
    return out;
  }
  if (obs.source === 'config') {
    const type = typeof d.resourceType === 'string' ? d.resourceType : '';
    const view = configItemView(type);
    const item = {
      configuration: parseJsonValue(d.configuration),
      supplementary: parseJsonEntries(d.supplementaryConfiguration),
    };
    check(`config ${type}`, view, item, out);
    return out;
  }
  check(`${obs.source} "${obs.trigger.detailType}" detail`, detailView(obs.source, obs.trigger.detailType), d, out);
  return out;
}
