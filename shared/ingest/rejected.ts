import { createHash } from 'node:crypto';
import type { RejectedInput } from '../drift/index.js';
import type { Rejection } from '../sources/index.js';
import { redactDeep } from '../drift/index.js';

const EXCERPT_CHARS = 2048;

/**
 * The rejected-input item of one rejection: reason and locator, a hash and size of the input, and
 * the start of it with secret-like values redacted.
 * @example rejectedInputOf({ where: 'event', reason: 'unrecognized event shape' }, event, 'ingest-cloudtrail', now)
 */
export function rejectedInputOf(
  rejection: Rejection,
  input: unknown,
  intake: string,
  receivedAt: string,
): RejectedInput {
  let text: string;
  try {
    text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input));
  } catch {
    text = String(input);
  }
  const sha256 = createHash('sha256').update(rejection.where).update('\u0000').update(text).digest('hex');
  const item: RejectedInput = {
    receivedAt,
    intake,
    where: rejection.where,
    reason: rejection.reason,
    sha256,
    bytes: Buffer.byteLength(text, 'utf8'),
  };
  if (input !== undefined) {
    let redacted: string;
    try {
      redacted = JSON.stringify(redactDeep(input)) ?? '';
    } catch {
      redacted = '';
    }
    if (redacted) item.excerpt = redacted.length > EXCERPT_CHARS ? `${redacted.slice(0, EXCERPT_CHARS)}…` : redacted;
  }
  return item;
}
