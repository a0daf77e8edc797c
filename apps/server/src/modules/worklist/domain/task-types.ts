/**
 * The kinds of work on a coordinator's worklist (Task.code in CareLoop's task-type code system), each with its
 * default FHIR Task.priority, the deadline rule that sets its due date when one applies, and its weight in the
 * ranking (how much the kind of work itself matters when everything else is equal).
 */
export type TaskPriority = 'routine' | 'urgent' | 'asap' | 'stat';

export const TASK_TYPES = {
  'follow-up-call': { display: 'Follow-up call', priority: 'urgent', rule: 'tcm-interactive-contact', weight: 30 },
  'schedule-appointment': { display: 'Schedule appointment', priority: 'routine', rule: 'tcm-visit', weight: 25 },
  'referral-follow-up': { display: 'Referral follow-up', priority: 'routine', rule: 'referral', weight: 20 },
  'eligibility-check': { display: 'Eligibility check', priority: 'routine', rule: null, weight: 15 },
  'prior-authorization': { display: 'Prior authorization', priority: 'urgent', rule: 'prior-auth', weight: 30 },
  education: { display: 'Patient education', priority: 'routine', rule: null, weight: 5 },
  'medication-reconciliation': {
    display: 'Medication reconciliation',
    priority: 'urgent',
    rule: 'tcm-interactive-contact',
    weight: 40,
  },
  transport: { display: 'Arrange transport', priority: 'routine', rule: null, weight: 15 },
  interpreter: { display: 'Arrange interpreter', priority: 'routine', rule: null, weight: 15 },
  'social-need': { display: 'Social need', priority: 'routine', rule: null, weight: 10 },
  'review-remote-reading': { display: 'Review remote reading', priority: 'urgent', rule: null, weight: 35 },
  'care-gap-outreach': { display: 'Care-gap outreach', priority: 'routine', rule: 'care-gap-outreach', weight: 5 },
  escalation: { display: 'Escalation', priority: 'asap', rule: null, weight: 45 },
  'incoming-referral': { display: 'Review incoming referral', priority: 'routine', rule: 'referral', weight: 35 },
} as const satisfies Record<string, { display: string; priority: TaskPriority; rule: string | null; weight: number }>;

export type TaskType = keyof typeof TASK_TYPES;
