import { redactString } from '../kernel/index.js';
import type { Finding } from '../policy/index.js';
import type { Observation } from '../sources/index.js';

/**
 * One (event, rule, resource) verdict as `tpguard scan --format ndjson` prints it and the backfill
 * writes it: the same fields in the same order, so the two outputs can be compared line by line.
 */
export interface VerdictRow {
  eventId: string;
  eventTime: string;
  source: string;
  account: string;
  region: string;
  eventName?: string;
  ruleId: string;
  severity: string;
  resourceType: string;
  resourceId: string;
  title: string;
  verdict: string;
  actor?: string;
  where: string;
  reason?: string;
}

/** @example verdictRow(observation, finding, 's3://archive/AWSLogs/...json.gz:3') */
export function verdictRow(obs: Observation, f: Finding, where: string): VerdictRow {
  const row: VerdictRow = {
    eventId: obs.eventId,
    eventTime: obs.eventTime,
    source: obs.source,
    account: obs.account,
    region: obs.region,
    ruleId: f.ruleId,
    severity: f.severity,
    resourceType: f.resource.type,
    resourceId: f.resource.id,
    title: f.title,
    verdict: f.verdict,
    where,
  };
  if (obs.trigger.eventName) row.eventName = obs.trigger.eventName;
  if (obs.actor?.arn) row.actor = obs.actor.arn;
  // A reason may quote a field of the event (a CEL error): redacted like scan's rows and the logs.
  if (f.reason) row.reason = redactString('', f.reason);
  return row;
}
