import type { Outbound } from '../../notify/index.js';
import { DeliveryError } from '../../notify/index.js';
import type { SlackMessage } from '../../notify/index.js';

/** Where retries are reported. Powertools' Logger fits; the webhook URL is never passed to it. */
export interface RetryLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface WebhookOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After is not waited for in the function: the send fails and Lambda retries later. */
  maxRetryAfterMs?: number;
  /** Per request. */
  timeoutMs?: number;
  /** All attempts and waits together stay within this, well inside the function's 30 s timeout. */
  deadlineMs?: number;
  random?: () => number;
  now?: () => number;
  log?: RetryLog;
}

const DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  timeoutMs: 5_000,
  deadlineMs: 20_000,
} as const;

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with jitter in [50 %, 100 %] of the step. */
function backoff(attempt: number, o: Required<Pick<WebhookOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>>): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + o.random() / 2));
}

/** The URL and its path never leave this module, not even inside an error from fetch. */
function scrub(text: string, url: string): string {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    path = '';
  }
  let out = text.split(url).join('[webhook]');
  if (path.length > 1) out = out.split(path).join('/[webhook]');
  return out.slice(0, 300);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : undefined;
  return code ? `${err.message} (${code})` : err.message;
}

/** One POST: sent, or failed with whether and when to retry (`final`: retrying cannot help here). */
type Attempt = { done: true } | { done: false; final?: boolean; retryInMs?: number; error: DeliveryError };

async function attempt(
  url: string,
  body: string,
  o: Required<Omit<WebhookOptions, 'log'>>,
  now: number,
): Promise<Attempt> {
  let res: Response;
  try {
    res = await o.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (err) {
    const reason = scrub(describe(err), url);
    return {
      done: false,
      error: new DeliveryError('slack', `webhook request failed: ${reason}`, { cause: new Error(reason) }),
    };
  }
  if (res.ok) return { done: true };
  const detail = scrub((await res.text().catch(() => '')).trim(), url);
  const error = new DeliveryError('slack', `webhook answered HTTP ${res.status}${detail ? ` ${detail}` : ''}`, {
    status: res.status,
  });
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers.get('retry-after'), now);
    if (wait !== undefined && wait > o.maxRetryAfterMs) {
      return {
        done: false,
        final: true,
        error: new DeliveryError(
          'slack',
          `rate limited; Retry-After ${Math.ceil(wait / 1000)} s is longer than the ${o.maxRetryAfterMs / 1000} s waited here`,
          { status: 429 },
        ),
      };
    }
    return { done: false, retryInMs: wait, error };
  }
  if (res.status >= 500) return { done: false, error };
  return { done: false, final: true, error }; // 4xx other than 429: the same body will fail again
}

/**
 * POSTs a Block Kit message to an incoming webhook. 429 waits for Retry-After, 5xx and network
 * errors back off exponentially, all within `maxAttempts` and `deadlineMs`; what still fails throws a
 * {@link DeliveryError} (Lambda retries, then the dead-letter queue keeps the event). Neither the
 * errors nor the log lines contain the URL.
 * @example await postSlackWebhook(url, renderSlack(facts))
 */
export async function postSlackWebhook(
  url: string,
  message: SlackMessage,
  options: WebhookOptions = {},
): Promise<void> {
  const o = { ...DEFAULTS, fetch: globalThis.fetch, sleep: realSleep, random: Math.random, now: Date.now, ...options };
  const body = JSON.stringify(message);
  const start = o.now();
  let last: DeliveryError | undefined;
  for (let n = 1; n <= o.maxAttempts; n++) {
    const result = await attempt(url, body, o, o.now());
    if (result.done) return;
    last = result.error;
    if (result.final || n === o.maxAttempts) break;
    const wait = result.retryInMs ?? backoff(n, o);
    if (o.now() - start + wait + o.timeoutMs > o.deadlineMs) break; // no time left for another attempt
    o.log?.warn('slack webhook: retrying', { attempt: n, status: result.error.status, waitMs: wait });
    await o.sleep(wait);
  }
  throw last ?? new DeliveryError('slack', 'webhook not attempted');
}

/** Resolves a webhook reference (`ssm:/name` or `env:VAR`) to its URL. */
export type WebhookResolver = (reference: string) => Promise<string>;

/**
 * The Slack sender: resolves the recipient's webhook reference, then posts.
 * @example dispatcher.slack = createSlackSender(createWebhookResolver(...), { log: logger })
 */
export function createSlackSender(
  resolve: WebhookResolver,
  options: WebhookOptions = {},
): (m: Outbound<'slack'>) => Promise<void> {
  return async (m) => {
    for (const reference of m.to) await postSlackWebhook(await resolve(reference), m.payload, options);
  };
}
