import { cloudTrailKey, observationKeyOf, type TriggerKey, triggerKeysOf } from '../sources/index.js';
import type { CompiledRule } from './load.js';

/**
 * Rules indexed by what triggers them, so that an event meets only the rules that can match it.
 * Each source says which keys a trigger listens on and which key an observation has (CloudTrail:
 * eventSource and eventName; GuardDuty: finding type, exact or by prefix; Config: detail-type and
 * resource type; state changes: detail-type).
 */
export class TriggerIndex {
  private readonly exact = new Map<string, CompiledRule[]>();
  /** Prefix keys by source name: only an observation of that source is compared with them. */
  private readonly prefixes = new Map<string, { prefix: string; rule: CompiledRule }[]>();

  public constructor(rules: readonly CompiledRule[]) {
    for (const r of rules) this.add(r);
  }

  private add(r: CompiledRule): void {
    const { source, keys } = triggerKeysOf(r.rule.on);
    for (const { key, prefix } of keys) {
      if (prefix) {
        const list = this.prefixes.get(source) ?? [];
        list.push({ prefix: key, rule: r });
        this.prefixes.set(source, list);
        continue;
      }
      const list = this.exact.get(key);
      if (list) list.push(r);
      else this.exact.set(key, [r]);
    }
  }

  /** Every rule an event with this trigger can match (each at most once). */
  public lookup(t: TriggerKey): CompiledRule[] {
    const at = observationKeyOf(t);
    if (!at) return [];
    const exact = this.exact.get(at.key) ?? [];
    const prefixes = this.prefixes.get(at.source);
    if (!prefixes) return exact;
    const byPrefix = prefixes.filter((p) => at.key.startsWith(p.prefix)).map((p) => p.rule);
    return byPrefix.length === 0 ? exact : [...new Set([...exact, ...byPrefix])];
  }

  /** True when some rule listens to this CloudTrail call: the scan's cheap pre-filter. */
  public hasCloudTrail(eventSource: string, eventName: string): boolean {
    return this.exact.has(cloudTrailKey(eventSource, eventName));
  }
}
