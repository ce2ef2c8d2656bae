import { describe, expect, it } from 'vitest';
import {
  createSlackSender,
  postSlackWebhook,
  retryAfterMs,
  type RetryLog,
} from '../../../../shared/adapters/http/slack-webhook.js';
import { DeliveryError } from '../../../../shared/notify/index.js';
import type { SlackMessage } from '../../../../shared/notify/index.js';

const URL = 'https://hooks.slack.com/services/T0TPGUARD/B0TPGUARD/s3cr3tWebhookPathXyZ123';
const MESSAGE: SlackMessage = {
  text: 'Drift opened',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
};

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script and records the calls. */
function fakeFetch(replies: Reply[]) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    return new Response(reply.body ?? 'ok', { status: reply.status, headers: reply.headers ?? {} });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function recorder() {
  const sleeps: number[] = [];
  const logs: unknown[] = [];
  const log: RetryLog = { warn: (message, details) => void logs.push({ message, details }) };
  return { sleeps, logs, log, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0 };
}

/** Everything an error exposes, as text. */
function exposed(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return [e.message, e.stack, JSON.stringify(e), e.cause?.message, e.cause?.stack].join('\n');
}

describe('Function: postSlackWebhook', () => {
  it('posts the exact Block Kit body as JSON once when Slack answers 200', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 200 }]);
    // Act
    await postSlackWebhook(URL, MESSAGE, { fetch });
    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(MESSAGE);
  });

  it('waits for Retry-After on 429, then sends, logging the retry without the URL', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } },
      { status: 200 },
    ]);
    const r = recorder();
    // Act
    await postSlackWebhook(URL, MESSAGE, { fetch, ...r });
    // Assess
    expect(calls).toHaveLength(2);
    expect(r.sleeps).toEqual([2000]);
    expect(r.logs).toEqual([
      { message: 'slack webhook: retrying', details: { attempt: 1, status: 429, waitMs: 2000 } },
    ]);
    expect(JSON.stringify(r.logs)).not.toContain('s3cr3t');
  });

  it('fails at once when Retry-After is longer than the function may wait, so Lambda retries later', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 429, headers: { 'retry-after': '120' } }]);
    const r = recorder();
    // Act
    const err = await postSlackWebhook(URL, MESSAGE, { fetch, ...r }).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).status).toBe(429);
    expect(calls).toHaveLength(1);
    expect(r.sleeps).toEqual([]);
  });

  it('stops retrying when another wait would not leave time for an attempt within the deadline', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 429, headers: { 'retry-after': '8' } }]);
    let clock = 0;
    const r = recorder();
    const sleep = async (ms: number) => {
      r.sleeps.push(ms);
      clock += ms;
    };
    // Act
    const err = await postSlackWebhook(URL, MESSAGE, {
      fetch,
      ...r,
      sleep,
      now: () => clock,
      deadlineMs: 20_000,
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    // Assess
    expect((err as DeliveryError).status).toBe(429);
    expect(r.sleeps).toEqual([8000]); // 8 + 8 + 5 > 20: the second wait is not taken
    expect(calls).toHaveLength(2);
  });

  it('backs off exponentially on 5xx and succeeds when Slack recovers', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 500, body: 'rollup_error' }, { status: 503 }, { status: 200 }]);
    const r = recorder();
    // Act
    await postSlackWebhook(URL, MESSAGE, { fetch, ...r, baseDelayMs: 500 });
    // Assess
    expect(calls).toHaveLength(3);
    expect(r.sleeps).toEqual([250, 500]); // 500 * 2^(n-1), jitter at its lowest (50 %)
  });

  it('gives up after maxAttempts of 5xx and throws, so the event is retried and kept in the dead-letter queue', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 502 }]);
    const r = recorder();
    // Act
    const err = await postSlackWebhook(URL, MESSAGE, {
      fetch,
      ...r,
      maxAttempts: 4,
      baseDelayMs: 1000,
      maxDelayMs: 3000,
    }).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as Error).message).toBe('slack: webhook answered HTTP 502 ok');
    expect(calls).toHaveLength(4);
    expect(r.sleeps).toEqual([500, 1000, 1500]); // capped by maxDelayMs (3000 * 50 %)
  });

  it('does not retry a 4xx such as invalid_payload', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 400, body: 'invalid_payload' }]);
    // Act
    const err = await postSlackWebhook(URL, MESSAGE, { fetch, ...recorder() }).catch((e: unknown) => e);
    // Assess
    expect((err as Error).message).toBe('slack: webhook answered HTTP 400 invalid_payload');
    expect(calls).toHaveLength(1);
  });

  it('never exposes the webhook URL, even when the network error quotes it', async () => {
    // Prepare
    const failure = new TypeError(`Failed to parse URL from ${URL}`, {
      cause: new Error(`connect ECONNREFUSED for ${URL}`),
    });
    const { fetch } = fakeFetch([failure]);
    const r = recorder();
    // Act
    const err = await postSlackWebhook(URL, MESSAGE, { fetch, ...r, maxAttempts: 2 }).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeliveryError);
    const text = `${exposed(err)}\n${JSON.stringify(r.logs)}`;
    expect(text).not.toContain(URL);
    expect(text).not.toContain('s3cr3tWebhookPathXyZ123');
    expect((err as Error).message).toContain('[webhook]');
  });
});

describe('Function: createSlackSender', () => {
  it('resolves the recipient reference to the URL only when sending', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 200 }]);
    const resolved: string[] = [];
    const send = createSlackSender(
      async (ref) => {
        resolved.push(ref);
        return URL;
      },
      { fetch },
    );
    // Act
    await send({
      channel: 'slack',
      kind: 'opened',
      owner: 'vision',
      to: ['ssm:/tpguard/slack/vision'],
      payload: MESSAGE,
    });
    // Assess
    expect(resolved).toEqual(['ssm:/tpguard/slack/vision']);
    expect(calls[0]!.url).toBe(URL);
  });
});

describe('Function: retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 04 Nov 2026 10:00:05 GMT', Date.parse('2026-11-04T10:00:00Z'))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
