import nodemailer from 'nodemailer';

/**
 * An iCalendar object sent with a mail: nodemailer puts it both as a `text/calendar; method=…` alternative (what
 * mail clients read to show Accept/Decline, RFC 6047 §2.4) and as an `invite.ics` attachment. `method` must match the
 * object's METHOD property (RFC 5546 §1.4).
 */
export type CalendarPart = Readonly<{ method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; content: string }>;

export type Mail = Readonly<{ to: string; subject: string; text: string; calendar?: CalendarPart }>;

export type Mailer = Readonly<{
  /** True when an SMTP server is configured; otherwise `send` refuses. */
  configured: boolean;
  send(mail: Mail): Promise<void>;
  close(): void;
}>;

/**
 * A mailer over the SMTP server at `url` (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS; STARTTLS is
 * used whenever the server offers it). Without a URL, sending throws: the job that sends is then retried and fails
 * visibly in the logs (without the recipient or the content).
 */
export function createMailer(url: string | undefined, from: string): Mailer {
  if (!url) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('SMTP_URL is not configured: e-mail cannot be sent')),
      close: () => undefined,
    };
  }
  const transport = nodemailer.createTransport(url);
  return {
    configured: true,
    async send(mail) {
      const { calendar } = mail;
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(calendar
          ? { icalEvent: { method: calendar.method, content: calendar.content, filename: 'invite.ics' } }
          : {}),
      });
    },
    close: () => transport.close(),
  };
}
