import { createTransport } from 'nodemailer';
import type { EmailMessage } from '../../notify/index.js';
import { DeliveryError } from '../../notify/index.js';

/** Sends one email to addresses. */
export type MailSender = (to: readonly string[], message: EmailMessage) => Promise<void>;

/**
 * Real email for local runs: nodemailer over `SMTP_URL` (e.g. `smtp://user:pass@localhost:1025`,
 * or `smtps://...`). The URL holds credentials: it is never logged, and errors carry only the
 * failure's code.
 * @example const send = createSmtpSender(process.env.SMTP_URL!, 'tpguard@example.com')
 */
export function createSmtpSender(smtpUrl: string, from = 'tpguard@localhost'): MailSender {
  const transport = createTransport(smtpUrl);
  return async (to, message) => {
    try {
      await transport.sendMail({
        from,
        to: [...to],
        subject: message.subject,
        text: message.text,
        headers: Object.fromEntries(
          Object.entries(message.attributes).map(([k, v]) => [`X-Tpguard-${k}`, Array.isArray(v) ? v.join(', ') : v]),
        ),
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'Error');
      throw new DeliveryError('email', `SMTP delivery failed: ${code}`, { status: code });
    }
  };
}
