import type { DriftRecord, DriftTransition, TransitionKind } from '../drift/index.js';
import type { Channel } from './types.js';

/**
 * The notification ledger: what was sent, recorded with a conditional write BEFORE sending, so a
 * repeated or out-of-order delivery of a transition sends nothing new. A claim is `sending` until
 * confirmed `sent`; a failed send releases it (the retry sends); a claim whose invocation died is
 * taken over after `leaseMs`.
 */
export const ClaimOutcomes = {
  /** This invocation may send. */
  claimed: 'claimed',
  /** Already sent on this channel. */
  duplicate: 'duplicate',
  /** The record has moved on to a later transition (or the drift is no longer open, for an escalation). */
  stale: 'stale',
  /** Another invocation holds a live claim. */
  inFlight: 'in-flight',
  /** No drift record to record it on. */
  missing: 'missing',
} as const;
export type ClaimOutcome = (typeof ClaimOutcomes)[keyof typeof ClaimOutcomes];

/** The transition a claim must still be current for. */
export interface TransitionPosition {
  kind: TransitionKind;
  eventId: string;
  eventTime: string;
}

/** When a claim on a drift record is allowed, besides "not sent yet". */
export type ClaimGuard =
  /** The transition is the record's current one, or newer than the record's latest observation. */
  | { type: 'current-or-newer'; transition: TransitionPosition }
  /** The drift is still open in the episode opened by `openEventId` (escalations). */
  | { type: 'still-open'; openEventId: string };

/** A (transition, channel) on a drift item (`notified.<channel>#<kind>#<eventId>`), or a digest (day, owner, channel). */
export type LedgerSlot =
  | { scope: 'drift'; driftId: string; channel: Channel; key: string; guard: ClaimGuard }
  | { scope: 'digest'; day: string; owner: string; channel: Channel };

export interface NotificationLedger {
  claim(slot: LedgerSlot, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  confirm(slot: LedgerSlot, now: Date): Promise<void>;
  /** Gives a claim back after a failed send, so that the retry sends. */
  release(slot: LedgerSlot): Promise<void>;
}

/** The `notified` map entry name of a slot on a drift item: `<channel>#<kind>#<eventId>`. */
export function entryName(channel: Channel, key: string): string {
  return `${channel}#${key}`;
}

/** @example positionOf(transition) // { kind: 'opened', eventId: '5e6f…', eventTime: '2026-11-02T09:47:05Z' } */
export function positionOf(t: DriftTransition): TransitionPosition {
  return { kind: t.kind, eventId: t.eventId, eventTime: t.eventTime };
}

/** The status a record has while a transition of this kind is its current one. */
const STATUS_OF: Readonly<Partial<Record<TransitionKind, DriftRecord['status']>>> = {
  opened: 'open',
  reopened: 'open',
  suppressed: 'suppressed',
  resolved: 'resolved',
};

/**
 * True when the guard holds for the record as stored now: the pure twin of the DynamoDB
 * condition (`currentTransitionCondition` of the drift items, or `lastSeen` before the event).
 * @example guardHolds(record, { type: 'still-open', openEventId: 'e1' })
 */
export function guardHolds(record: DriftRecord, guard: ClaimGuard): boolean {
  const last = record.lastTransition;
  if (guard.type === 'still-open') return record.status === 'open' && last?.eventId === guard.openEventId;
  const t = guard.transition;
  const status = STATUS_OF[t.kind];
  if (!status) return true; // escalations published by others carry no slot of their own
  return (record.status === status && last?.eventId === t.eventId) || record.lastSeen < t.eventTime;
}

interface Entry {
  status: 'sending' | 'sent';
  claimedAt: number;
}

/**
 * An in-memory ledger over a record lookup: for tests and for local runs without a table.
 * @example new MemoryLedger((id) => records.get(id))
 */
export class MemoryLedger implements NotificationLedger {
  private readonly entries = new Map<string, Entry>();
  public constructor(private readonly recordOf: (driftId: string) => DriftRecord | undefined = () => undefined) {}

  private static id(slot: LedgerSlot): string {
    return slot.scope === 'drift'
      ? `DRIFT#${slot.driftId}|${entryName(slot.channel, slot.key)}`
      : `DIGEST#${slot.day}|${slot.channel}#${slot.owner}`;
  }

  public async claim(slot: LedgerSlot, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const id = MemoryLedger.id(slot);
    const entry = this.entries.get(id);
    if (entry?.status === 'sent') return ClaimOutcomes.duplicate;
    if (entry && entry.claimedAt + leaseMs > now.getTime()) return ClaimOutcomes.inFlight;
    if (slot.scope === 'drift') {
      const record = this.recordOf(slot.driftId);
      if (!record) return ClaimOutcomes.missing;
      if (!guardHolds(record, slot.guard)) return ClaimOutcomes.stale;
    }
    this.entries.set(id, { status: 'sending', claimedAt: now.getTime() });
    return ClaimOutcomes.claimed;
  }

  public async confirm(slot: LedgerSlot, now: Date): Promise<void> {
    this.entries.set(MemoryLedger.id(slot), { status: 'sent', claimedAt: now.getTime() });
  }

  public async release(slot: LedgerSlot): Promise<void> {
    const id = MemoryLedger.id(slot);
    if (this.entries.get(id)?.status === 'sending') this.entries.delete(id);
  }
}
