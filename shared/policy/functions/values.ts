import { isRecord } from '../../kernel/index.js';

/**
 * Shapes of values as AWS logs them: XML bodies turned into JSON (one element is an
 * object, several are a list), and documents embedded as JSON strings, sometimes
 * URL-encoded (IAM in Config items) or encoded twice (S3 ACLs in Config items).
 */

/** Largest embedded document decoded (CloudTrail fields are far smaller). */
const MAX_EMBEDDED_BYTES = 1024 * 1024;

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
  if (/^%7B/i.test(trimmed) || /^%5B/i.test(trimmed)) {
    try {
      candidate = decodeURIComponent(trimmed);
    } catch {
      return text;
    }
  }
  if (!/^[[{"]/.test(candidate) || candidate.length > MAX_EMBEDDED_BYTES) return text;
  try {
    return JSON.parse(candidate, (k: string, v: unknown) => (k === '__proto__' ? undefined : v));
  } catch {
    return text;
  }
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
