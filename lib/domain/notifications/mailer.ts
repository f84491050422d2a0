// Where a notification's e-mail goes (issue 17): an SMTP server (KEYWARDEN_SMTP_URL, through
// nodemailer), the sandbox mailbox (sandbox mode without SMTP: stored in sandbox_mails and shown at
// Settings → Mailbox, so the whole loop can be tried with no mail server), or nowhere (live mode
// without SMTP: e-mail is off and the preferences page says so). Every message is redacted by value
// against the secrets this process knows before it leaves (SECURITY.md T3, N1).
import 'server-only';
import nodemailer from 'nodemailer';
import type { Config } from '@/lib/config';
import type { Database } from '@/lib/db';
import { knownSecrets, redactText } from '@/lib/security/redact';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** List-Unsubscribe: the signed one-click address, or the preferences page. */
  unsubscribeUrl: string;
  /** The address takes RFC 8058 one-click POSTs: adds `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. */
  oneClick?: boolean;
}

export type MailTransportKind = Config['mail']['transport'];

export interface Mailer {
  kind: MailTransportKind;
  /** Resolves once the message is accepted (by the SMTP server, or stored); throws otherwise. */
  send: (mail: OutgoingMail) => Promise<void>;
  close: () => void;
}

/** Bounds on one SMTP exchange: a mail server that hangs must not hold the tick forever. */
const SMTP_TIMEOUT_MS = 15_000;

function redacted(mail: OutgoingMail): OutgoingMail {
  const secrets = knownSecrets();
  return { ...mail, subject: redactText(mail.subject, secrets), text: redactText(mail.text, secrets), html: redactText(mail.html, secrets) };
}

export function createMailer(mail: Config['mail'], db: Database): Mailer {
  if (mail.transport === 'smtp') {
    const transport = nodemailer.createTransport({
      url: mail.smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    return {
      kind: 'smtp',
      send: async (outgoing) => {
        const message = redacted(outgoing);
        await transport.sendMail({
          from: mail.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          list: { unsubscribe: { url: message.unsubscribeUrl, comment: message.oneClick ? 'Stop this kind of e-mail' : 'Notification preferences' } },
          ...(message.oneClick ? { headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } : {}),
        });
      },
      close: () => transport.close(),
    };
  }
  if (mail.transport === 'sandbox-mailbox') {
    return {
      kind: 'sandbox-mailbox',
      send: async (outgoing) => {
        const message = redacted(outgoing);
        await db.sandboxMail.create({ data: { to: message.to, from: mail.from, subject: message.subject, text: message.text, html: message.html } });
      },
      close: () => undefined,
    };
  }
  return {
    kind: 'disabled',
    send: async () => {
      throw new Error('e-mail is not configured (KEYWARDEN_SMTP_URL)');
    },
    close: () => undefined,
  };
}

/** SMTP errors can quote the server's answer; keep the words short and free of secrets. */
export function describeMailError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactText(message, knownSecrets()).slice(0, 300);
}
