/**
 * The kinds of work on a coordinator's worklist (Task.code in CareLoop's task-type code system), each with its
 * name in Spanish (for answers in Spanish), its default FHIR Task.priority, the deadline rule that sets its due date when one applies, and its weight in the
 * ranking (how much the kind of work itself matters when everything else is equal).
 */
export type TaskPriority = 'routine' | 'urgent' | 'asap' | 'stat';

export const TASK_TYPES = {
  'follow-up-call': {
    display: 'Follow-up call',
    es: 'Llamada de seguimiento',
    priority: 'urgent',
    rule: 'tcm-interactive-contact',
    weight: 30,
  },
  'schedule-appointment': {
    display: 'Schedule appointment',
    es: 'Agendar una cita',
    priority: 'routine',
    rule: 'tcm-visit',
    weight: 25,
  },
  'referral-follow-up': {
    display: 'Referral follow-up',
    es: 'Seguimiento de derivación',
    priority: 'routine',
    rule: 'referral',
    weight: 20,
  },
  'eligibility-check': {
    display: 'Eligibility check',
    es: 'Verificar la cobertura',
    priority: 'routine',
    rule: null,
    weight: 15,
  },
  'prior-authorization': {
    display: 'Prior authorization',
    es: 'Autorización previa',
    priority: 'urgent',
    rule: 'prior-auth',
    weight: 30,
  },
  education: { display: 'Patient education', es: 'Educación del paciente', priority: 'routine', rule: null, weight: 5 },
  'medication-reconciliation': {
    display: 'Medication reconciliation',
    es: 'Conciliación de medicamentos',
    priority: 'urgent',
    rule: 'tcm-interactive-contact',
    weight: 40,
  },
  transport: {
    display: 'Arrange transport',
    es: 'Organizar el transporte',
    priority: 'routine',
    rule: null,
    weight: 15,
  },
  interpreter: {
    display: 'Arrange interpreter',
    es: 'Conseguir intérprete',
    priority: 'routine',
    rule: null,
    weight: 15,
  },
  'social-need': { display: 'Social need', es: 'Necesidad social', priority: 'routine', rule: null, weight: 10 },
  'review-remote-reading': {
    display: 'Review remote reading',
    es: 'Revisar una medición remota',
    priority: 'urgent',
    rule: null,
    weight: 35,
  },
  'care-gap-outreach': {
    display: 'Care-gap outreach',
    es: 'Contacto por brecha de atención',
    priority: 'routine',
    rule: 'care-gap-outreach',
    weight: 5,
  },
  escalation: { display: 'Escalation', es: 'Escalamiento', priority: 'asap', rule: null, weight: 45 },
  'incoming-referral': {
    display: 'Review incoming referral',
    es: 'Revisar una derivación recibida',
    priority: 'routine',
    rule: 'referral',
    weight: 35,
  },
} as const satisfies Record<
  string,
  { display: string; es: string; priority: TaskPriority; rule: string | null; weight: number }
>;

export type TaskType = keyof typeof TASK_TYPES;
