import { isRecord, nestedDeeperThan, spend } from '../../kernel/index.js';
import { EvaluationLimitError } from '../errors.js';

/**
 * Shapes of values as AWS logs them: XML bodies turned into JSON (one element is an
 * object, several are a list), and documents embedded as JSON strings, sometimes
 * URL-encoded (IAM in Config items) or encoded twice (S3 ACLs in Config items).
 */

/** Largest embedded document decoded (CloudTrail fields are far smaller). */
const MAX_EMBEDDED_BYTES = 1024 * 1024;

/**
 * Deepest nesting of a decoded document, as for events (evaluate.ts MAX_EVENT_DEPTH): CEL's type
 * inference is quadratic in depth, and no AWS document comes near it.
 */
const MAX_EMBEDDED_DEPTH = 64;

/**
 * A list whatever the shape: a list stays, null/absent is `[]`, anything else is `[value]`.
 * @example asList({ Status: 'Enabled' }) // [{ Status: 'Enabled' }]
 */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function decodeOnce(text: string): unknown {
  const trimmed = text.trim();
  let candidate = trimmed;
  const head = trimmed.slice(0, 3).toUpperCase();
  if (head === '%7B' || head === '%5B') {
    try {
      candidate = decodeURIComponent(trimmed);
    } catch {
      return text;
    }
  }
  if (!'[{"'.includes(candidate[0] ?? 'x') || candidate.length > MAX_EMBEDDED_BYTES) return text;
  spend(candidate.length);
  let value: unknown;
  try {
    value = JSON.parse(candidate, (k: string, v: unknown) => (k === '__proto__' ? undefined : v));
  } catch {
    return text;
  }
  if (nestedDeeperThan(value, MAX_EMBEDDED_DEPTH))
    throw new EvaluationLimitError(`embedded document nested deeper than ${MAX_EMBEDDED_DEPTH} levels`);
  return value;
}

/**
 * The value a JSON string holds (URL-encoded or encoded twice included); any other
 * value, or a string that is not JSON, is returned as it is.
 * @example parseJsonValue('"{\\"status\\":\\"Off\\"}"') // { status: 'Off' }
 */
export function parseJsonValue(value: unknown): unknown {
  let current = value;
  for (let i = 0; i < 3 && typeof current === 'string'; i++) {
    const next = decodeOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** {@link parseJsonValue} applied to each entry of a map (one level). */
export function parseJsonEntries(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '__proto__') out[k] = parseJsonValue(v);
  return out;
}
