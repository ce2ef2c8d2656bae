import type { PolicyPack } from './load.js';

/** An EventBridge rule pattern generated from the pack. */
export interface GeneratedPattern {
  /** Stable name, usable as a CloudFormation logical id suffix. */
  name: string;
  /** Which ingest function receives it. */
  target: 'cloudtrail' | 'guardduty' | 'config' | 'statechange';
  pattern: Record<string, unknown>;
}

const sorted = (s: Iterable<string>) => [...new Set(s)].sort();

function findingTypeFilter(types: string[]): unknown[] {
  return sorted(types).map((t) => (t.endsWith('*') ? { prefix: t.slice(0, -1) } : t));
}

function pascal(s: string): string {
  return s
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))
    .replace(/^./, (c) => c.toUpperCase());
}

/**
 * The EventBridge patterns that deliver exactly the events the pack can match: one per
 * EventBridge source and detail-type; CloudTrail patterns always list their eventNames.
 * Never a catch-all.
 * @example generatePatterns(pack)[0].pattern // { source: ['aws.s3'], 'detail-type': [...], detail: { eventSource: [...], eventName: [...] } }
 */
export function generatePatterns(pack: PolicyPack): GeneratedPattern[] {
  const cloudtrail = new Map<string, Set<string>>();
  const findings = new Set<string>();
  const guarddutyOther = new Set<string>();
  const config = new Map<string, Set<string>>();
  const stateChange = new Map<string, Set<string>>();
  for (const { rule } of pack.rules) {
    const on = rule.on;
    if (on.source === 'cloudtrail') {
      const set = cloudtrail.get(on.eventSource) ?? new Set<string>();
      on.eventName.forEach((n) => set.add(n));
      cloudtrail.set(on.eventSource, set);
    } else if (on.source === 'guardduty') {
      if (on.findingType) on.findingType.forEach((t) => findings.add(t));
      else guarddutyOther.add(on.detailType);
    } else if (on.source === 'config') {
      const set = config.get(on.detailType) ?? new Set<string>();
      on.resourceType.forEach((t) => set.add(t));
      config.set(on.detailType, set);
    } else {
      const set = stateChange.get(`aws.${on.source}`) ?? new Set<string>();
      on.detailType.forEach((t) => set.add(t));
      stateChange.set(`aws.${on.source}`, set);
    }
  }
  const out: GeneratedPattern[] = [];
  for (const host of sorted(cloudtrail.keys())) {
    const service = host.replace('.amazonaws.com', '');
    out.push({
      name: `CloudTrail${pascal(service)}`,
      target: 'cloudtrail',
      pattern: {
        source: [`aws.${service}`],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventSource: [host], eventName: sorted(cloudtrail.get(host)!) },
      },
    });
  }
  if (findings.size > 0) {
    out.push({
      name: 'GuardDutyFinding',
      target: 'guardduty',
      pattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { type: findingTypeFilter([...findings]) },
      },
    });
  }
  for (const dt of sorted(guarddutyOther))
    out.push({
      name: `GuardDuty${pascal(dt.replace('GuardDuty ', ''))}`,
      target: 'guardduty',
      pattern: { source: ['aws.guardduty'], 'detail-type': [dt] },
    });
  for (const dt of sorted(config.keys())) {
    const types = sorted(config.get(dt)!);
    const detail =
      dt === 'Config Configuration Item Change'
        ? {
            $or: [
              { configurationItem: { resourceType: types } },
              { configurationItemSummary: { resourceType: types } },
            ],
          }
        : { resourceType: types };
    out.push({
      name: `Config${pascal(dt.replace('Config ', ''))}`,
      target: 'config',
      pattern: { source: ['aws.config'], 'detail-type': [dt], detail },
    });
  }
  for (const src of sorted(stateChange.keys())) {
    out.push({
      name: `${pascal(src.replace('aws.', ''))}StateChange`,
      target: 'statechange',
      pattern: { source: [src], 'detail-type': sorted(stateChange.get(src)!) },
    });
  }
  return out;
}

/**
 * Tests a pattern against an event with EventBridge semantics for the subset used here:
 * arrays of literal values, `{prefix}`, nested objects and `$or`. Used by the local bus.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const ev = event as Record<string, unknown>;
  for (const [key, want] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(want as Record<string, unknown>[]).some((alt) => matchesPattern(alt, ev))) return false;
      continue;
    }
    const value = ev[key];
    if (Array.isArray(want)) {
      const values = Array.isArray(value) ? value : [value];
      const ok = want.some((w) =>
        values.some((v) =>
          typeof w === 'object' && w !== null && 'prefix' in w
            ? typeof v === 'string' && v.startsWith((w as { prefix: string }).prefix)
            : v === w,
        ),
      );
      if (!ok) return false;
    } else if (typeof want === 'object' && want !== null) {
      if (!matchesPattern(want as Record<string, unknown>, value)) return false;
    }
  }
  return true;
}
