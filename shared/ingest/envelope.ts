import type { Observation } from '../sources/index.js';
import { isRecord } from '../kernel/index.js';

/** An EventBridge event as the bus delivers it. */
export interface BusEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

function isEnvelope(v: Record<string, unknown>): boolean {
  return typeof v['detail-type'] === 'string' && typeof v.source === 'string' && isRecord(v.detail);
}

type Wrap = (obs: Observation) => Pick<BusEnvelope, 'detail-type' | 'source' | 'detail'>;

/** How EventBridge wraps each raw record, by observation source. */
const WRAPS: Readonly<Record<string, Wrap>> = {
  cloudtrail: (obs) => ({
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${(obs.trigger.eventSource ?? 'unknown').replace('.amazonaws.com', '')}`,
    detail: obs.detail,
  }),
  guardduty: (obs) => ({ 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: obs.detail }),
  config: (obs) => ({
    'detail-type': 'Config Configuration Item Change',
    source: 'aws.config',
    detail: { messageType: 'ConfigurationItemChangeNotification', configurationItem: obs.detail },
  }),
};

/**
 * The EventBridge event an observation arrived in, or would have: raw CloudTrail records, GuardDuty
 * findings and configuration items (log files, exports) are wrapped the way EventBridge delivers
 * them, so the local bus routes every input with the same generated patterns as AWS.
 * @example envelopeOf(observation)['detail-type'] // 'AWS API Call via CloudTrail'
 */
export function envelopeOf(obs: Observation): BusEnvelope {
  if (isEnvelope(obs.raw)) return obs.raw as unknown as BusEnvelope;
  const wrap = WRAPS[obs.source];
  const wrapped = wrap
    ? wrap(obs)
    : { 'detail-type': obs.trigger.detailType, source: `aws.${obs.source}`, detail: obs.detail };
  return {
    version: '0',
    id: obs.eventId,
    ...wrapped,
    account: obs.account,
    time: obs.eventTime,
    region: obs.region,
    resources: [],
  };
}
