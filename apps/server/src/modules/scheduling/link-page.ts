import type { Temporal } from 'temporal-polyfill';
import { escapeHtml } from '../../platform/http/html.ts';

type Page =
  | Readonly<{ kind: 'invalid'; language: string }>
  | Readonly<{
      kind: 'confirm' | 'cancel' | 'confirmed' | 'cancelled' | 'closed';
      language: string;
      start: Temporal.Instant;
      timeZone: string;
      place: string;
      token?: string;
    }>;

const TEXT = {
  en: {
    locale: 'en-US',
    title: 'Your appointment',
    invalid: 'This link is not valid or has expired. Please call the clinic.',
    when: (when: string, place: string) => `${when}, at ${place}`,
    confirm: 'Will you come to this appointment?',
    confirmButton: 'Yes, I will come',
    cancel: 'Do you want to cancel this appointment?',
    cancelButton: 'Cancel the appointment',
    confirmed: 'Thank you: your appointment is confirmed.',
    cancelled: 'Your appointment has been cancelled. To book another time, please call the clinic.',
    closed: 'This appointment can no longer be changed here. Please call the clinic.',
  },
  es: {
    locale: 'es-US',
    title: 'Su cita',
    invalid: 'Este enlace no es válido o ya venció. Por favor, llame a la clínica.',
    when: (when: string, place: string) => `${when}, en ${place}`,
    confirm: '¿Asistirá a esta cita?',
    confirmButton: 'Sí, asistiré',
    cancel: '¿Desea cancelar esta cita?',
    cancelButton: 'Cancelar la cita',
    confirmed: 'Gracias: su cita quedó confirmada.',
    cancelled: 'Su cita fue cancelada. Para programar otra, por favor, llame a la clínica.',
    closed: 'Esta cita ya no se puede cambiar aquí. Por favor, llame a la clínica.',
  },
} as const;

/**
 * The page a patient sees after following an appointment link, in their language (Spanish or English): the date,
 * time and place, and one button that POSTs the action (a GET never changes anything). No script, no outside
 * resources, nothing clinical.
 */
export function linkPage(page: Page): string {
  const t = /^es(?:[-_]|$)/i.test(page.language) ? TEXT.es : TEXT.en;
  const lang = t === TEXT.es ? 'es' : 'en';
  let body: string;
  if (page.kind === 'invalid') body = `<p>${escapeHtml(t.invalid)}</p>`;
  else {
    const when = page.start
      .toZonedDateTimeISO(page.timeZone)
      .toLocaleString(t.locale, { dateStyle: 'full', timeStyle: 'short' })
      .replace(/\u202f|\u00a0/g, ' ');
    const what = `<p class="when">${escapeHtml(t.when(when, page.place))}</p>`;
    const form = (action: 'confirm' | 'cancel', question: string, button: string) =>
      `<p>${escapeHtml(question)}</p><form method="post" action="/appointment"><input type="hidden" name="action" value="${action}"><input type="hidden" name="token" value="${escapeHtml(page.token ?? '')}"><button type="submit">${escapeHtml(button)}</button></form>`;
    body =
      what +
      (page.kind === 'confirm'
        ? form('confirm', t.confirm, t.confirmButton)
        : page.kind === 'cancel'
          ? form('cancel', t.cancel, t.cancelButton)
          : `<p role="status">${escapeHtml(t[page.kind])}</p>`);
  }
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(t.title)}</title><style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:2px solid #1f4e79;background:#1f4e79;color:#fff}.when{font-weight:600}</style></head><body><main><h1>${escapeHtml(t.title)}</h1>${body}</main></body></html>`;
}
