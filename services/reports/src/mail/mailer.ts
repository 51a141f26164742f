import { createHash } from 'node:crypto';
import { ErrorCode, type EmailParams, type EmailResult } from '@wadm/contracts';
import {
  createTransport,
  type NodemailerError,
  type SMTPSentMessageInfo,
  type SMTPTransportOptions,
  type Transporter,
} from 'nodemailer';
import { DeliveryUnavailableError, SmtpRejectedError } from '../errors.js';

/** One SMTP server (WADM_SMTP_URL) and one From (WADM_MAIL_FROM). */
export class Mailer {
  private readonly transport: Transporter<SMTPSentMessageInfo, SMTPTransportOptions>;
  private readonly domain: string;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    });
    this.domain = /@([^\s>]+)/.exec(from)?.[1] ?? 'wadm.localhost';
  }

  /**
   * `<taskId.ownerHash@domain>`: the same for every attempt of a task, so that a mail sent
   * twice despite the NOTIFY_SENT record (a crash between the server's 250 and the record)
   * carries one Message-ID, which mail clients and many servers collapse into one.
   */
  messageIdFor(owner: string, taskId: string): string {
    const ownerHash = createHash('sha256').update(owner).digest('hex').slice(0, 12);
    return `<${taskId}.${ownerHash}@${this.domain}>`;
  }

  /**
   * Sends one mail. A 5xx reply (bar 503) is a SmtpRejectedError (no retry); a 4xx reply or a
   * connection problem is a DeliveryUnavailableError, retried by the runtime.
   */
  async send(
    messageId: string,
    params: EmailParams,
    signal: AbortSignal,
    attachments: { filename: string; content: Buffer; contentType: string }[] = [],
  ): Promise<Omit<EmailResult, 'alreadySent'>> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: params.to,
        subject: params.subject,
        text: params.text,
        ...(params.html === undefined ? {} : { html: params.html }),
        messageId,
        ...(attachments.length > 0 ? { attachments } : {}),
        signal,
      });
      const addresses = (list: unknown): string[] =>
        Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : String(a))) : [];
      return {
        messageId,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: String(info.response),
        sentAt: new Date().toISOString(),
      };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw classify(err as NodemailerError);
    }
  }

  close(): void {
    this.transport.close();
  }
}

function classify(err: NodemailerError): Error {
  const reply = err.response ?? err.message;
  if (err.permanent === true) return new SmtpRejectedError(reply, { cause: err });
  const what = err.responseCode ? `answered ${reply}` : `${err.code ?? 'error'}: ${err.message}`;
  return new DeliveryUnavailableError(ErrorCode.SMTP_UNAVAILABLE, `SMTP server ${what}`, {
    cause: err,
  });
}
