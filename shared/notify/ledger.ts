import type { Channel } from './types.js';

/**
 * The notification ledger: what was sent, recorded with a conditional write BEFORE sending, so a
 * repeated delivery of a transition sends nothing new. A claim is `sending` until confirmed `sent`;
 * a failed send releases it (the retry sends); a claim whose invocation died is taken over after
 * `leaseMs`. Whether a transition may be sent at all is not the ledger's question: the notifier
 * asks the drift store first (shared/drift/verify.ts).
 */
export const ClaimOutcomes = {
  /** This invocation may send. */
  claimed: 'claimed',
  /** Already sent on this channel. */
  duplicate: 'duplicate',
  /** The record does not support the transition (superseded beyond its history, or never made: forged). */
  stale: 'stale',
  /** Another invocation holds a live claim. */
  inFlight: 'in-flight',
  /** No drift record. */
  missing: 'missing',
} as const;
export type ClaimOutcome = (typeof ClaimOutcomes)[keyof typeof ClaimOutcomes];

/** A (transition, channel) of a drift record (`<kind>#<eventId>`), or a digest (day, owner, channel). */
export type LedgerSlot =
  | { scope: 'drift'; driftId: string; channel: Channel; key: string }
  | { scope: 'digest'; day: string; owner: string; channel: Channel };

export interface NotificationLedger {
  claim(slot: LedgerSlot, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  confirm(slot: LedgerSlot, now: Date): Promise<void>;
  /** Gives a claim back after a failed send, so that the retry sends. */
  release(slot: LedgerSlot): Promise<void>;
}

/** The name of a drift slot's entry: `<channel>#<kind>#<eventId>`. */
export function entryName(channel: Channel, key: string): string {
  return `${channel}#${key}`;
}

interface Entry {
  status: 'sending' | 'sent';
  claimedAt: number;
}

/**
 * An in-memory ledger: for tests and for local runs without a table.
 * @example new MemoryLedger()
 */
export class MemoryLedger implements NotificationLedger {
  private readonly entries = new Map<string, Entry>();

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
