import { actorLabel } from '../kernel/index.js';
import type { DriftFacts } from '../review/index.js';
import { replayTransitions } from '../review/index.js';
import type { DriftSample } from './types.js';

/**
 * The drift episodes of [from, to): each opening (or reopening) of a record paired with what ended
 * it (resolved or suppressed), kept when it was open at some time in the window. Replayed from
 * history in event order, as the store applied it; the actors are those history recorded.
 * @example driftEpisodes(facts, '2027-01-01T00:00:00Z', '2027-04-01T00:00:00Z')[0].driftId
 */
export function driftEpisodes(facts: DriftFacts, from: string, to: string): DriftSample[] {
  const records = new Map(facts.records.map((r) => [r.driftId, r]));
  const open = new Map<string, DriftSample>();
  const out: DriftSample[] = [];
  for (const t of replayTransitions(facts.history)) {
    const r = records.get(t.driftId);
    if (!r) continue;
    if (t.kind === 'opened' || t.kind === 'reopened') {
      const sample: DriftSample = {
        driftId: r.driftId,
        ruleId: r.ruleId,
        severity: r.severity,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        account: r.account,
        region: r.region,
        openedAt: t.at,
        ...(t.actor ? { openedBy: actorLabel(t.actor, t.actorName) } : {}),
      };
      open.set(r.driftId, sample);
      out.push(sample);
    } else if (t.kind === 'resolved' || t.kind === 'suppressed') {
      const sample = open.get(r.driftId);
      open.delete(r.driftId);
      if (!sample) continue;
      sample.closedAt = t.at;
      sample.closed = t.kind;
      if (t.actor) sample.closedBy = actorLabel(t.actor, t.actorName);
    }
  }
  return out
    .filter((s) => s.openedAt < to && (s.closedAt === undefined || s.closedAt >= from))
    .map((s) => (s.closedAt !== undefined && s.closedAt >= to ? withoutClose(s) : s))
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.driftId.localeCompare(b.driftId));
}

/** Closed after the period: still open at its end, as far as the period can tell. */
function withoutClose(s: DriftSample): DriftSample {
  const { closedAt: _at, closed: _how, closedBy: _by, ...open } = s;
  return open;
}
