import type { Observation } from '../shared/sources/index.js';
import type { Finding } from '../shared/policy/index.js';
import { redactString } from '../shared/kernel/index.js';

/** One line of `--format ndjson`, one (event, rule, resource) verdict. */
export interface ScanRow {
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

export function toRow(obs: Observation, f: Finding, where: string): ScanRow {
  const row: ScanRow = {
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
  // A reason may quote a field of the event (a CEL error): redacted like the logs.
  if (f.reason) row.reason = redactString('', f.reason);
  return row;
}
