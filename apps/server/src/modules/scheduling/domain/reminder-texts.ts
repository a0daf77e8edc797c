/** What happened to the appointment, which decides the message. */
export type MessageKind = 'booked' | 'reminder' | 'rescheduled' | 'cancelled' | 'offered';

/**
 * The words of appointment messages, per language. Spanish uses the formal *usted*, as patient communication in
 * Spanish does. Each sentence takes only the place, the date and the time (and links): nothing clinical can be put in.
 */
export type ReminderTexts = Readonly<{
  /** The locale whose date and time formats Intl applies (US conventions; 12-hour clock in both languages). */
  locale: string;
  /** Date and time joined into one phrase; `hour12` is the hour on a 12-hour clock (Spanish says "a la 1"). */
  when(date: string, time: string, hour12: number): string;
  kinds: Readonly<
    Record<MessageKind, Readonly<{ subject(date: string): string; lead(place: string, when: string): string }>>
  >;
  join(url: string): string;
  confirm(url: string): string;
  cancel(url: string): string;
  rebook(place: string): string;
  footer: string;
  sms: Readonly<{ join: string; confirm: string; cancel: string }>;
}>;

const en: ReminderTexts = {
  locale: 'en-US',
  when: (date, time) => `${date}, at ${time}`,
  kinds: {
    booked: {
      subject: (date) => `Appointment booked for ${date}`,
      lead: (place, when) => `Your appointment at ${place} is booked for ${when}.`,
    },
    reminder: {
      subject: (date) => `Reminder: your appointment on ${date}`,
      lead: (place, when) => `This is a reminder of your appointment at ${place} on ${when}.`,
    },
    rescheduled: {
      subject: (date) => `Appointment moved to ${date}`,
      lead: (place, when) => `Your appointment at ${place} has been moved to ${when}.`,
    },
    cancelled: {
      subject: (date) => `Appointment cancelled: ${date}`,
      lead: (place, when) => `Your appointment at ${place} on ${when} has been cancelled.`,
    },
    offered: {
      subject: (date) => `A time has opened up on ${date}`,
      lead: (place, when) =>
        `A time has opened up for you at ${place} on ${when}. We are holding it for you for a short while: please confirm to keep it.`,
    },
  },
  join: (url) => `To join the video visit, open: ${url}`,
  confirm: (url) => `Please confirm that you will come: ${url}`,
  cancel: (url) => `If you cannot come, cancel here: ${url}`,
  rebook: (place) => `To book another time, please contact ${place}.`,
  footer: 'This is an automated message; please do not reply.',
  sms: { join: 'Video visit:', confirm: 'Confirm:', cancel: 'Cancel:' },
};

const es: ReminderTexts = {
  locale: 'es-US',
  when: (date, time, hour12) => `el ${date}, ${hour12 === 1 ? 'a la' : 'a las'} ${time}`,
  kinds: {
    booked: {
      subject: (date) => `Cita programada para el ${date}`,
      lead: (place, when) => `Su cita en ${place} quedó programada para ${when}.`,
    },
    reminder: {
      subject: (date) => `Recordatorio de su cita del ${date}`,
      lead: (place, when) => `Le recordamos su cita en ${place} ${when}.`,
    },
    rescheduled: {
      subject: (date) => `Su cita cambió al ${date}`,
      lead: (place, when) => `Su cita en ${place} se cambió para ${when}.`,
    },
    cancelled: {
      subject: (date) => `Cita cancelada: ${date}`,
      lead: (place, when) => `Se canceló su cita en ${place} programada para ${when}.`,
    },
    offered: {
      subject: (date) => `Hay un horario disponible el ${date}`,
      lead: (place, when) =>
        `Se abrió un horario para usted en ${place} ${when}. Se lo reservamos por poco tiempo: por favor, confírmelo para conservarlo.`,
    },
  },
  join: (url) => `Para unirse a la consulta por video, abra: ${url}`,
  confirm: (url) => `Por favor, confirme su asistencia: ${url}`,
  cancel: (url) => `Si no puede asistir, cancele aquí: ${url}`,
  rebook: (place) => `Para programar otra cita, comuníquese con ${place}.`,
  footer: 'Este es un mensaje automático; por favor, no responda.',
  sms: { join: 'Consulta por video:', confirm: 'Confirmar:', cancel: 'Cancelar:' },
};

/** The texts for a BCP 47 language tag: Spanish for `es` and its regional forms, English otherwise. */
export function reminderTexts(language: string): ReminderTexts {
  return /^es(?:[-_]|$)/i.test(language.trim()) ? es : en;
}
