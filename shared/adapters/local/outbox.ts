import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { summaryLine, type Dispatcher, type Outbound } from '../../notify/index.js';
import type { Channel, MessageKind } from '../../notify/index.js';
import type { Clock } from '../../kernel/index.js';
import { postSlackWebhook, type WebhookOptions } from '../http/index.js';
import { createSmtpSender, type MailSender } from './smtp.js';

export const OUTBOX_FILE = 'outbox.ndjson';

/** One line of `<data-dir>/outbox.ndjson`: a message tpguard sent or would send. */
export interface OutboxLine {
  at: string;
  channel: Channel;
  transition: MessageKind;
  ruleId?: string;
  resourceId?: string;
  /** The event that caused the transition. */
  eventId?: string;
  driftId?: string;
  /** A message listing several transitions (email, Slack): their rules and drift ids, most severe first. */
  ruleIds?: string[];
  driftIds?: string[];
  owner: string;
  severity?: string;
  to: string[];
  /** Slack: the exact webhook body; email: subject, text and the SNS attributes; Chatbot: the custom notification; Security Hub: the ASFF finding. */
  payload: unknown;
  /** Where it went besides this file: `slack` (webhook), `smtp`, or `outbox` only. */
  delivered: 'outbox' | 'slack' | 'smtp';
}

/**
 * Appends outbox lines, one JSON object per line, in call order.
 * @example await new OutboxWriter('.tpguard').append(line)
 */
export class OutboxWriter {
  public readonly file: string;
  private queue: Promise<void> = Promise.resolve();
  public constructor(private readonly dataDir: string) {
    this.file = join(dataDir, OUTBOX_FILE);
  }

  public append(line: OutboxLine): Promise<void> {
    const next = this.queue.then(async () => {
      await mkdir(this.dataDir, { recursive: true });
      await appendFile(this.file, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

export interface OutboxDispatcherOptions {
  dataDir: string;
  clock: Clock;
  /** Where `env:` webhook references and `SMTP_URL` / `SMTP_FROM` are read. */
  env?: NodeJS.ProcessEnv;
  /** One line per message on the console. */
  log?: (line: string) => void;
  webhook?: WebhookOptions;
  /** Replaces the nodemailer sender built from SMTP_URL (tests). */
  mail?: MailSender;
}

function lineOf(m: Outbound, at: Date, delivered: OutboxLine['delivered']): OutboxLine {
  const payload = m.channel === 'email' ? { ...(m.payload as Outbound<'email'>['payload']) } : m.payload;
  const line: OutboxLine = {
    at: at.toISOString(),
    channel: m.channel,
    transition: m.kind,
    owner: m.owner,
    to: m.to,
    payload,
    delivered,
  };
  for (const k of ['ruleId', 'resourceId', 'eventId', 'driftId', 'severity'] as const) if (m[k]) line[k] = m[k];
  if (m.items) {
    line.ruleIds = m.items.map((i) => i.ruleId);
    line.driftIds = m.items.map((i) => i.driftId);
  }
  return line;
}

/**
 * The local dispatcher: every message is appended to `<data-dir>/outbox.ndjson` and summed up in
 * one console line; a Slack message whose reference is `env:VAR` with VAR set is also POSTed to
 * that webhook, and an email is also sent through `SMTP_URL` when it is set. Real delivery comes
 * first, so a failed one leaves no outbox line (and the retry writes it once).
 * @example const dispatcher = createOutboxDispatcher({ dataDir: '.tpguard', clock: systemClock, log: console.log })
 */
export function createOutboxDispatcher(o: OutboxDispatcherOptions): Dispatcher {
  const env = o.env ?? process.env;
  const writer = new OutboxWriter(o.dataDir);
  const smtpUrl = env.SMTP_URL;
  const mail = o.mail ?? (smtpUrl ? createSmtpSender(smtpUrl, env.SMTP_FROM) : undefined);
  const record = async (m: Outbound, delivered: OutboxLine['delivered']): Promise<void> => {
    await writer.append(lineOf(m, o.clock.now(), delivered));
    o.log?.(summaryLine(m, delivered === 'outbox' ? 'outbox' : `outbox + ${delivered}`));
  };
  return {
    email: async (m) => {
      if (mail && m.to.length > 0) await mail(m.to, m.payload);
      await record(m, mail ? 'smtp' : 'outbox');
    },
    slack: async (m) => {
      let delivered: OutboxLine['delivered'] = 'outbox';
      for (const ref of m.to) {
        const url = ref.startsWith('env:') ? env[ref.slice(4)] : undefined;
        if (!url) continue;
        await postSlackWebhook(url, m.payload, o.webhook);
        delivered = 'slack';
      }
      await record(m, delivered);
    },
    chatbot: (m) => record(m, 'outbox'),
    securityhub: (m) => record(m, 'outbox'),
  };
}
