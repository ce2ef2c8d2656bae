import { type GeneratedPattern, patternsOf, TAGGING_TRIGGERS } from '../sources/index.js';
import type { PolicyPack } from './load.js';

/**
 * The EventBridge patterns that deliver exactly the events the pack can match: one per
 * EventBridge source and detail-type (each source's module says how); CloudTrail patterns always
 * list their eventNames. Never a catch-all.
 * @example generatePatterns(pack)[0].pattern // { source: ['aws.s3'], 'detail-type': [...], detail: { eventSource: [...], eventName: [...] } }
 */
export function generatePatterns(pack: PolicyPack): GeneratedPattern[] {
  // The tagging calls too: they carry the tags scope needs (shared/ingest/resource-tags.ts).
  return patternsOf([...pack.rules.map((r) => r.rule.on), ...TAGGING_TRIGGERS]);
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
