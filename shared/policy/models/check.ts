import type { PackProblem } from '../errors.js';
import type { CompiledRule, PolicyPack } from '../compile.js';
import { type FieldRead, plainKey, readsOf, type Segment } from '../reads.js';
import { suggestion } from '../suggest.js';
import { loadModels } from './targets.js';
import { cloudTrailRecordView, cloudTrailView, configItemView, detailView, operationOf } from './targets.js';
import { describeView, keysAt, resolvePath, type View } from './views.js';

/**
 * Proves every field path a rule reads against what its trigger delivers: the input or output of
 * the API operations a CloudTrail trigger names (AWS SDK v3 models), the CloudTrail record, the
 * GuardDuty finding and state-change schemas, the Config item of the resource type. A path that
 * exists in none is an error naming the nearest member.
 */

/** What a pack's paths came to. */
export interface PathCheck {
  problems: PackProblem[];
  counts: {
    /** Distinct (rule, expression, path, operations) reads. */
    paths: number;
    /** Checked against an AWS model or schema. */
    checked: number;
    request: number;
    detail: number;
    configItem: number;
    /** `config.*` reads, checked against the configuration schema when the pack loads. */
    config: number;
    /** Reads of a source no model describes. */
    unchecked: number;
    /** Whole values handed to a function that walks them (`s3Uris(req)`): not checkable by path. */
    whole: number;
  };
}

interface Target {
  label: string;
  view: View;
  /** The operation: a plain read failing in one of several is an error only there. */
  op?: string;
}

/** A path as dots, without optional markers: `req.vpcConfig.subnets`, `configItem(detail).configuration.x`. */
export function plainPath(read: Pick<FieldRead, 'root' | 'segs'>, upTo = read.segs.length): string {
  let s = read.root === 'configItem' ? 'configItem(detail)' : read.root;
  for (const seg of read.segs.slice(0, upTo)) s += seg.k === 'field' ? `.${seg.name}` : seg.k === 'elem' ? '[]' : '[?]';
  return s;
}

function cloudTrailTargets(c: CompiledRule, read: FieldRead, problems: string[]): Target[] {
  const on = c.rule.on;
  if (on.source !== 'cloudtrail') return [];
  if (read.root === 'detail') return [{ label: 'the CloudTrail record', view: cloudTrailRecordView() }];
  if (read.root !== 'req' && read.root !== 'resp') return [];
  const out: Target[] = [];
  for (const e of read.ops ?? on.eventName) {
    const op = operationOf(on.eventSource, e);
    const view = op && cloudTrailView(on.eventSource, op, read.root);
    if (view) out.push({ label: `${op} ${read.root === 'req' ? 'input' : 'output'}`, view, op });
    else if (!op) problems.push(e);
  }
  return out;
}

function targetsOf(c: CompiledRule, read: FieldRead, unknownOps: string[]): Target[] {
  const on = c.rule.on;
  if (on.source === 'cloudtrail') return cloudTrailTargets(c, read, unknownOps);
  if (read.root === 'configItem' && on.source === 'config')
    return on.resourceType.flatMap((t) => {
      const view = configItemView(t);
      return view ? [{ label: `the ${t} Config item`, view }] : [];
    });
  if (read.root !== 'detail') return [];
  const detailTypes =
    on.source === 'guardduty'
      ? [on.detailType]
      : on.source === 'sagemaker' || on.source === 'bedrock'
        ? on.detailType
        : [];
  return detailTypes.flatMap((dt) => {
    const view = detailView(on.source, dt);
    return view ? [{ label: `the ${dt} detail`, view }] : [];
  });
}

interface Outcome {
  read: FieldRead;
  field: string;
  failures: { target: Target; at: number; parents: View[] }[];
  targets: Target[];
  /** Optional reads (`.?`) of members the request always carries: a default that is invented. */
  invented: { target: Target; member: string }[];
}

/** The optional steps of a request read whose member the operation requires. */
function inventedDefaults(read: FieldRead, t: Target): string[] {
  if (read.root !== 'req' || read.via === 'has' || read.fnCall !== undefined) return [];
  const out: string[] = [];
  read.segs.forEach((seg, i) => {
    if (seg.k !== 'field' || !seg.opt) return;
    const r = resolvePath(t.view, read.segs.slice(0, i + 1));
    if (r.ok && r.requiredLeaf) out.push(plainPath(read, i + 1));
  });
  return out.slice(0, 1);
}

function check(field: string, read: FieldRead, targets: Target[]): Outcome {
  const failures: Outcome['failures'] = [];
  const invented: Outcome['invented'] = [];
  for (const target of targets) {
    const r = resolvePath(target.view, read.segs);
    if (!r.ok) failures.push({ target, at: r.at, parents: r.parents });
    else for (const member of inventedDefaults(read, target)) invented.push({ target, member });
  }
  return { read, field, failures, targets, invented };
}

export function segmentName(seg: Segment): string {
  return seg.k === 'field' ? seg.name : seg.k === 'elem' ? '[]' : '[?]';
}

function message(o: Outcome): string | undefined {
  const { read, failures, targets } = o;
  if (failures.length === 0) return undefined;
  const path = plainPath(read);
  const via = read.via && read.via !== 'has' ? ` (read ${read.via.endsWith('()') ? 'by' : 'through'} ${read.via})` : '';
  if (failures.length < targets.length) {
    // Resolves under some operations: an error only when a plain (non-optional) step fails.
    const guarded = (at: number) => {
      const prefix = plainKey({ root: read.root, segs: read.segs.slice(0, at + 1) });
      return (read.guards ?? []).some((g) => g === prefix || g.startsWith(`${prefix}.`));
    };
    const plain = failures.filter((f) => !(read.segs[f.at]!.opt || read.via === 'has' || guarded(f.at)));
    if (plain.length === 0) return undefined;
    const where = plain.map((f) => f.target.label).join(', ');
    return `${path}${via}: no member ${segmentName(read.segs[plain[0]!.at]!)} in ${where}; the rule reads it there too: guard it with detail.eventName or read it with .?`;
  }
  const first = failures[0]!;
  const seg = read.segs[first.at]!;
  // The path up to the member that is not there: one message however many reads go through it.
  const shown = plainPath(read, first.at + 1);
  const keys = [...new Set(failures.flatMap((f) => f.parents.flatMap(keysAt)))];
  const labels = [...new Set(failures.map((f) => f.target.label))].join(', ');
  const inside = first.at === 0 ? labels : `${describeView(first.parents[0]!)} of ${labels}`;
  if (seg.k !== 'field') return `${shown}${via}: ${describeView(first.parents[0]!)} in ${labels} is not a list`;
  return `${shown}${via}: no member ${seg.name} in ${inside}${suggestion(seg.name, keys)}`;
}

/** Alternatives: a domain function reads several fields, of which a request has some. */
function anyOfGroups(outcomes: Outcome[]): Outcome[] {
  const groups = new Map<string, Outcome[]>();
  const out: Outcome[] = [];
  for (const o of outcomes) {
    if (o.read.fnCall === undefined) out.push(o);
    else groups.set(`${o.field}|${o.read.fnCall}`, [...(groups.get(`${o.field}|${o.read.fnCall}`) ?? []), o]);
  }
  for (const group of groups.values()) {
    // Only when none of the call's reads resolves anywhere is the function handed the wrong value.
    if (group.every((o) => o.failures.length === o.targets.length)) out.push(group[0]!);
  }
  return out;
}

const EXPRESSIONS = [
  ['violation', (c: CompiledRule) => c.rule.violation],
  ['resolve', (c: CompiledRule) => c.rule.resolve],
  ['resource.id', (c: CompiledRule) => c.rule.resource.id],
] as const;

/**
 * Checks every path every rule of the pack reads.
 * @example checkPackPaths(pack).problems // [{ file, ruleId, message: 'violation: req.x: no member x in ... (did you mean y?)' }]
 */
export function checkPackPaths(pack: Pick<PolicyPack, 'rules'>): PathCheck {
  loadModels();
  const problems: PackProblem[] = [];
  const counts: PathCheck['counts'] = {
    paths: 0,
    checked: 0,
    request: 0,
    detail: 0,
    configItem: 0,
    config: 0,
    unchecked: 0,
    whole: 0,
  };
  for (const c of pack.rules) {
    const where = { file: c.file, ruleId: c.rule.id };
    const ops = c.rule.on.source === 'cloudtrail' ? c.rule.on.eventName : null;
    const unknownOps: string[] = [];
    if (c.rule.on.source === 'cloudtrail')
      for (const e of c.rule.on.eventName) if (!operationOf(c.rule.on.eventSource, e)) unknownOps.push(e);
    for (const [field, get] of EXPRESSIONS) {
      const expr = get(c);
      if (!expr) continue;
      const { paths, opaque } = readsOf(expr, ops);
      counts.whole += opaque.length;
      const seen = new Set<string>();
      const outcomes: Outcome[] = [];
      for (const read of paths) {
        const key = `${plainPath(read)}|${read.segs.map((s) => (s.k === 'field' && s.opt ? '?' : '')).join('')}|${read.via ?? ''}|${read.fnCall ?? ''}|${(read.ops ?? []).join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        counts.paths++;
        if (read.root === 'config') {
          counts.config++;
          continue;
        }
        const targets = targetsOf(c, read, unknownOps);
        if (targets.length === 0) {
          counts.unchecked++;
          continue;
        }
        counts.checked++;
        if (read.root === 'req' || read.root === 'resp') counts.request++;
        else if (read.root === 'configItem') counts.configItem++;
        else counts.detail++;
        outcomes.push(check(field, read, targets));
      }
      for (const o of anyOfGroups(outcomes)) {
        const m = message(o);
        if (m) problems.push({ ...where, message: `${field}: ${m}` });
      }
      for (const o of outcomes)
        for (const { target, member } of o.invented)
          problems.push({
            ...where,
            message: `${field}: ${plainPath(o.read)}: ${member.split('.').pop()} is required in ${target.label}: read ${member} plainly, so a record without it is cannot-evaluate, not a default`,
          });
    }
    for (const e of new Set(unknownOps)) {
      const on = c.rule.on as { eventSource: string };
      const svc = loadModels().services[on.eventSource];
      problems.push({
        ...where,
        message: `on.eventName: ${e}: no operation ${e} in ${svc ? svc.source : `the models (no service ${on.eventSource})`}${svc ? suggestion(e, Object.keys(svc.ops)) : ''}`,
      });
    }
  }
  return { problems: dedupe(problems), counts };
}

function dedupe(problems: PackProblem[]): PackProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}|${p.ruleId}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
