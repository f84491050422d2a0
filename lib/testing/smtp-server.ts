// A real SMTP server for tests (the `smtp-server` package) on a loopback port: Keywarden's mailer
// speaks SMTP to it exactly as to a production server, and the test reads what was delivered —
// never a mock transport. `rejectRecipients` makes it refuse every RCPT TO (a failing server).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '@/lib/db';
import { createMailer, type Mailer } from '@/lib/domain/notifications/mailer';

export interface DeliveredMail {
  /** The message as it crossed the wire (headers and MIME-encoded body). */
  raw: string;
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface RunningSmtpServer {
  url: string;
  mails: DeliveredMail[];
  rejectRecipients: boolean;
  stop: () => Promise<void>;
}

export async function startSmtpServer(): Promise<RunningSmtpServer> {
  const state: RunningSmtpServer = { url: '', mails: [], rejectRecipients: false, stop: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: the client would otherwise try STARTTLS with no certificate to offer.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (state.rejectRecipients) {
        const error = Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            state.mails.push({ raw, parsed, envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address) });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

export interface SmtpMailer {
  readonly server: RunningSmtpServer;
  /** Keywarden's mailer, speaking SMTP to `server`. */
  readonly mailer: Mailer;
  /** What the server has delivered so far with `email` among the envelope's recipients. */
  mailsTo: (email: string) => DeliveredMail[];
}

/**
 * A real SMTP server and a Keywarden mailer sending to it as `from`, for the calling describe block:
 * started in a beforeAll registered here, closed in an afterAll. Call it after setUpTestDatabase()
 * (the mailer is given the database); read the fields inside hooks and tests.
 */
export function setUpSmtpMailer(database: { readonly db: Database }, from: string): SmtpMailer {
  let server: RunningSmtpServer | undefined;
  let mailer: Mailer | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The SMTP server is not started: read it inside a hook or a test registered after setUpSmtpMailer().');
    return value;
  };
  beforeAll(async () => {
    server = await startSmtpServer();
    mailer = createMailer({ transport: 'smtp', smtpUrl: server.url, from }, database.db);
  });
  afterAll(async () => {
    mailer?.close();
    await server?.stop();
  });
  return {
    get server() {
      return ready(server);
    },
    get mailer() {
      return ready(mailer);
    },
    mailsTo: (email) => ready(server).mails.filter((mail) => mail.envelopeTo.includes(email)),
  };
}
