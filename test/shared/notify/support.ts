import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import type { DriftRecord, DriftTransition, TransitionKind } from '../../../shared/drift/index.js';
import type { Dispatcher, Outbound } from '../../../shared/notify/dispatch.js';
import { ruleCatalog, type RuleCatalog } from '../../../shared/notify/facts.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { fixedClock, type Clock } from '../../../shared/kernel/index.js';
import type { Channel } from '../../../shared/notify/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

const cache = new Map<string, unknown>();

/** A fixture file, parsed once and copied per use. */
export function fixture<T>(name: string): T {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));
  return structuredClone(cache.get(name)) as T;
}

/** The bus event of the TPS-SM-01 drift recorded from the sample training job. */
export function openedEvent(): { id: string; source: string; 'detail-type': string; detail: DriftTransition } {
  return fixture('drift-opened-event.json');
}

export function openedTransition(): DriftTransition {
  return openedEvent().detail;
}

/** A later transition of the same record (`at` one hour per step after the opening). */
export function nextTransition(
  base: DriftTransition,
  kind: TransitionKind,
  step: number,
  patch: Partial<DriftRecord> = {},
): DriftTransition {
  const at = new Date(Date.parse(base.eventTime) + step * 3_600_000).toISOString();
  const eventId = `e-${kind}-${step}`;
  const status = (
    {
      opened: 'open',
      reopened: 'open',
      resolved: 'resolved',
      suppressed: 'suppressed',
      escalated: 'open',
      unverifiable: 'unverifiable',
    } as const
  )[kind];
  const record: DriftRecord = {
    ...structuredClone(base.record),
    status,
    lastSeen: at,
    lastEventId: eventId,
    lastTransition: { kind, eventId, at },
    ...patch,
  };
  return { kind, eventId, eventTime: at, record };
}

let packPromise: Promise<PolicyPack> | undefined;

/** The shipped policy pack (controls, threats, runbooks). */
export function shippedPack(): Promise<PolicyPack> {
  packPromise ??= loadPolicyPack(join(import.meta.dirname, '../../../policies'));
  return packPromise;
}

export async function shippedCatalog(): Promise<RuleCatalog> {
  return ruleCatalog(await shippedPack());
}

/** The shipped tpguard.config.yaml, with optional `notifications` overrides. */
export function shippedConfig(notifications: Partial<TpguardConfig['notifications']> = {}): TpguardConfig {
  const config = parseConfig(
    readFileSync(join(import.meta.dirname, '../../../tpguard.config.yaml'), 'utf8'),
    'tpguard.config.yaml',
  );
  return { ...config, notifications: { ...config.notifications, ...notifications } };
}

export const clockAt = (iso: string): Clock => fixedClock(iso);

/** A dispatcher that records what it is given; `fail` makes a channel throw. */
export function recordingDispatcher(channels: readonly Channel[] = ['email', 'slack', 'chatbot', 'securityhub']): {
  dispatcher: Dispatcher;
  sent: Outbound[];
  fail: Set<Channel>;
} {
  const sent: Outbound[] = [];
  const fail = new Set<Channel>();
  const dispatcher: Dispatcher = {};
  for (const c of channels) {
    (dispatcher as Record<Channel, (m: Outbound) => Promise<void>>)[c] = async (m) => {
      if (fail.has(c)) throw new Error(`${c} is down`);
      sent.push(structuredClone(m));
    };
  }
  return { dispatcher, sent, fail };
}

/** The secrets the sample training job carries in its environment. */
export const SAMPLE_SECRETS = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo',
] as const;
