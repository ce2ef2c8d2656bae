import type { TriggerKey } from '../sources/index.js';
import type { CompiledRule } from './load.js';

/**
 * Rules indexed by what triggers them, so that an event meets only the rules that
 * can match it: CloudTrail by (eventSource, eventName), GuardDuty by finding type
 * (exact, then prefixes), Config by (detail-type, resourceType), state changes by detail-type.
 */
export class TriggerIndex {
  private readonly exact = new Map<string, CompiledRule[]>();
  private readonly findingPrefixes: { prefix: string; rule: CompiledRule }[] = [];

  public constructor(rules: readonly CompiledRule[]) {
    for (const r of rules) this.add(r);
  }

  private push(key: string, rule: CompiledRule): void {
    const list = this.exact.get(key);
    if (list) list.push(rule);
    else this.exact.set(key, [rule]);
  }

  private add(r: CompiledRule): void {
    const on = r.rule.on;
    switch (on.source) {
      case 'cloudtrail':
        for (const name of on.eventName) this.push(cloudTrailKey(on.eventSource, name), r);
        return;
      case 'guardduty':
        if (!on.findingType) this.push(`dt|${on.detailType}`, r);
        for (const t of on.findingType ?? []) {
          if (t.endsWith('*')) this.findingPrefixes.push({ prefix: t.slice(0, -1), rule: r });
          else this.push(`gd|${t}`, r);
        }
        return;
      case 'config':
        for (const t of on.resourceType) this.push(`cfg|${on.detailType}|${t}`, r);
        return;
      default:
        for (const t of on.detailType) this.push(`dt|${t}`, r);
    }
  }

  /** Every rule an event with this trigger can match (each at most once). */
  public lookup(t: TriggerKey): CompiledRule[] {
    if (t.eventSource !== undefined && t.eventName !== undefined)
      return this.exact.get(cloudTrailKey(t.eventSource, t.eventName)) ?? [];
    if (t.findingType !== undefined) {
      const exact = this.exact.get(`gd|${t.findingType}`) ?? [];
      const byPrefix = this.findingPrefixes.filter((p) => t.findingType!.startsWith(p.prefix)).map((p) => p.rule);
      return byPrefix.length === 0 ? exact : [...new Set([...exact, ...byPrefix])];
    }
    if (t.resourceType !== undefined) return this.exact.get(`cfg|${t.detailType}|${t.resourceType}`) ?? [];
    return this.exact.get(`dt|${t.detailType}`) ?? [];
  }

  /** True when some rule listens to this CloudTrail call: the scan's cheap pre-filter. */
  public hasCloudTrail(eventSource: string, eventName: string): boolean {
    return this.exact.has(cloudTrailKey(eventSource, eventName));
  }
}

function cloudTrailKey(eventSource: string, eventName: string): string {
  return `ct|${eventSource}|${eventName}`;
}
