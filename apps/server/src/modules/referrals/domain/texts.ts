/** What the patient is told about their referral: that it went out, was accepted, and that a visit was booked. */
export const PATIENT_EVENTS = ['sent', 'accepted', 'scheduled'] as const;
export type PatientEvent = (typeof PATIENT_EVENTS)[number];

type Texts = Readonly<Record<PatientEvent, Readonly<{ subject: string; text: string; sms: string }>>>;

/**
 * The patient's referral messages (issue #6: "kept informed … no clinical detail"). They never name the specialty,
 * the receiver or the reason — any of those can disclose a condition to whoever reads the phone or the inbox — only
 * that the referral moved and that the care team will follow up. Spanish uses the formal *usted*.
 */
const TEXTS: Readonly<Record<'en' | 'es', Texts & { footer: string }>> = {
  en: {
    sent: {
      subject: 'Your referral has been sent',
      text: 'Your care team has sent a referral for you. We will let you know when it has been accepted.',
      sms: 'CareLoop: your care team has sent a referral for you. We will tell you when it is accepted.',
    },
    accepted: {
      subject: 'Your referral has been accepted',
      text: 'Your referral has been accepted. You will hear from us, or from the office, about an appointment.',
      sms: 'CareLoop: your referral has been accepted. You will hear about an appointment soon.',
    },
    scheduled: {
      subject: 'An appointment has been made for your referral',
      text: 'An appointment has been made for your referral. Your care team will send you the details or call you.',
      sms: 'CareLoop: an appointment has been made for your referral. Your care team will be in touch with details.',
    },
    footer: 'If you have questions, please call your care team. This is an automated message; please do not reply.',
  },
  es: {
    sent: {
      subject: 'Su remisión fue enviada',
      text: 'Su equipo de atención envió una remisión para usted. Le avisaremos cuando sea aceptada.',
      sms: 'CareLoop: su equipo de atención envió una remisión para usted. Le avisaremos cuando sea aceptada.',
    },
    accepted: {
      subject: 'Su remisión fue aceptada',
      text: 'Su remisión fue aceptada. Le contactaremos nosotros, o el consultorio, para darle una cita.',
      sms: 'CareLoop: su remisión fue aceptada. Pronto le contactarán para darle una cita.',
    },
    scheduled: {
      subject: 'Se programó una cita para su remisión',
      text: 'Se programó una cita para su remisión. Su equipo de atención le enviará los detalles o le llamará.',
      sms: 'CareLoop: se programó una cita para su remisión. Su equipo de atención le dará los detalles.',
    },
    footer: 'Si tiene preguntas, llame a su equipo de atención. Este es un mensaje automático; por favor, no responda.',
  },
};

/** The message for `event` in the patient's language (Spanish for `es…`, English otherwise). */
export function patientMessage(event: PatientEvent, language: string): { subject: string; text: string; sms: string } {
  const t = /^es(?:[-_]|$)/i.test(language) ? TEXTS.es : TEXTS.en;
  const m = t[event];
  return { subject: m.subject, text: `${m.text}\n\n${t.footer}\n`, sms: m.sms };
}

/**
 * The e-mail to a receiving office without a FHIR endpoint (issue #6): who sent a referral and the secure link, never
 * the patient or anything clinical — the packet is behind the link. `withdrawn` tells them no action is needed.
 */
export function officeMessage(
  kind: 'new' | 'withdrawn',
  from: string,
  link: { url: string; until: string } | undefined,
): { subject: string; text: string } {
  if (kind === 'withdrawn')
    return {
      subject: `Referral withdrawn by ${from}`,
      text: `${from} has withdrawn a referral it sent to your office. No action is needed; the link sent with it no longer works.\n`,
    };
  return {
    subject: `New referral from ${from}`,
    text: [
      `${from} has sent your office a referral.`,
      '',
      `Open it securely here (the link works until ${link?.until}):`,
      link?.url,
      '',
      'On that page you can read the referral packet, print it as a PDF, accept or decline the referral, give the',
      'appointment you booked, and send back the consult note. Please do not forward this e-mail: the link is the key',
      'to the referral.',
      '',
    ].join('\n'),
  };
}
