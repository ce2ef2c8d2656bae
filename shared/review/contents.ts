import { inScope } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import { exceptionState } from '../exceptions/index.js';
import { globMatch } from '../kernel/index.js';
import type { RiskException } from '../exceptions/index.js';
import type { PolicyPack } from '../policy/index.js';
import { driftActivity } from './activity.js';
import { diffSnapshots, type PackSnapshot } from './pack-snapshot.js';
import type { ReviewPeriod } from './period.js';
import type { FindingSighting } from '../ingest/index.js';
import type { DriftFacts } from './ports.js';
import type { ExpiringException, ReviewContents, RuleCount, ThreatDeltaEntry } from './types.js';

/** How many of the noisiest rules a task lists. */
export const NOISIEST_RULES = 5;

/** Everything a task's contents are computed from. */
export interface ContentsInput {
  period: ReviewPeriod;
  /** The areas of an area task; undefined for the control task (every area). */
  areas?: string[];
  pack: PolicyPack;
  config: TpguardConfig;
  facts: DriftFacts;
  exceptions: RiskException[];
  sightings: FindingSighting[];
  previousSnapshot?: PackSnapshot;
  currentSnapshot: PackSnapshot;
}

/** The GuardDuty finding types the pack maps: exact types, and prefixes for `Type*`. */
function mappedBy(pack: PolicyPack): (type: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const { rule } of pack.rules) {
    if (rule.on.source !== 'guardduty') continue;
    for (const t of rule.on.findingType ?? []) {
      if (t.endsWith('*')) prefixes.push(t.slice(0, -1));
      else exact.add(t);
    }
  }
  return (type) => exact.has(type) || prefixes.some((p) => type.startsWith(p));
}

/**
 * GuardDuty finding types seen on in-scope resources in [from, to) that no rule maps: the
 * threats the pack does not yet answer.
 * @example threatDelta(sightings, pack, config, from, to)[0].findingType // 'Discovery:S3/AnomalousBehavior'
 */
export function threatDelta(
  sightings: readonly FindingSighting[],
  pack: PolicyPack,
  config: TpguardConfig,
  from: string,
  to: string,
): ThreatDeltaEntry[] {
  const mapped = mappedBy(pack);
  const byType = new Map<string, ThreatDeltaEntry>();
  for (const s of sightings) {
    if (s.lastSeen < from || s.firstSeen >= to || mapped(s.findingType) || !inScope(s.resource, config)) continue;
    const e = byType.get(s.findingType) ?? {
      findingType: s.findingType,
      count: 0,
      resources: [],
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
    };
    e.count += s.count;
    const name = `${s.resource.type}/${s.resource.id}`;
    if (!e.resources.includes(name)) e.resources.push(name);
    if (s.firstSeen < e.firstSeen) e.firstSeen = s.firstSeen;
    if (s.lastSeen > e.lastSeen) e.lastSeen = s.lastSeen;
    byType.set(s.findingType, e);
  }
  return [...byType.values()].sort((a, b) => b.count - a.count || a.findingType.localeCompare(b.findingType));
}

function expiring(input: ContentsInput, ruleIds: string[]): ExpiringException[] {
  const at = input.period.opensAt;
  return input.exceptions
    .filter((e) => exceptionState(e, at) === 'active' && e.expiresAt < input.period.nextOpensAt)
    .filter((e) => !input.areas || ruleIds.some((id) => globMatch(e.ruleId, id)))
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
    .map((e) => ({
      exceptionId: e.exceptionId,
      ruleId: e.ruleId,
      resource: e.resource,
      expiresAt: e.expiresAt,
      approvedBy: e.approvedBy,
    }));
}

/**
 * The contents of one task: drift activity of the covered period for its areas, noisy and
 * silent rules, exceptions expiring before the next review, the threat delta (control task
 * only) and the pack changes since the last review. Pure.
 * @example buildContents({ period, pack, config, facts, exceptions: [], sightings: [], currentSnapshot }).driftOpened
 */
export function buildContents(input: ContentsInput): ReviewContents {
  const { period, pack } = input;
  const areas = input.areas ?? [...new Set(pack.rules.map((c) => c.area))].sort();
  const rules = pack.rules.filter((c) => areas.includes(c.area));
  const ruleIds = rules.map((c) => c.rule.id);
  const keep = input.areas ? (r: { area: string }) => areas.includes(r.area) : () => true;
  const activity = driftActivity(input.facts, period.coversFrom, period.coversTo, keep);
  const noisiest: RuleCount[] = [...activity.violationsByRule]
    .map(([ruleId, count]) => {
      const c = pack.rules.find((x) => x.rule.id === ruleId);
      return { ruleId, count, title: c?.rule.title ?? '(no longer in the pack)', area: c?.area ?? 'unknown' };
    })
    .sort((a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId))
    .slice(0, NOISIEST_RULES);
  const contents: ReviewContents = {
    areas,
    rules: rules.length,
    driftOpened: activity.opened.length,
    driftResolved: activity.resolved.length,
    openBySeverity: activity.openBySeverity,
    noisiestRules: noisiest,
    silentRules: ruleIds.filter((id) => !activity.violationsByRule.has(id)).sort(),
    expiringExceptions: expiring(input, ruleIds),
    threatDelta: input.areas
      ? []
      : threatDelta(input.sightings, pack, input.config, period.coversFrom, period.coversTo),
    packChanges: diffSnapshots(input.previousSnapshot, input.currentSnapshot, input.areas),
  };
  if (activity.meanTimeToResolveHours !== undefined) contents.meanTimeToResolveHours = activity.meanTimeToResolveHours;
  return contents;
}
