import { forbidden } from '@careloop/fhir';
import type { Organization, Parameters, ParametersParameter, PractitionerRole, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { type Actor, STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import { searchAuditEvents } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import { maxCount, type Store } from '../../platform/store/index.ts';
import { usFederalHolidays } from './domain/holidays.ts';
import { organizationClock } from './domain/organization-clock.ts';
import { instant, isAfterHours, overdueTrend, queueAge, type TaskTimes } from './domain/supervision.ts';
import { workItem } from './domain/task-resource.ts';

/** `timeZone`: the local days and business hours to count in; the organization's own (its clock) when not given. */
export type SupervisionQuery = Readonly<{ organization: string; days: number; timeZone?: string | undefined }>;

// One page of the store and of the audit search (both cap at 1,000): the view covers that much per coordinator.
const MAX_EVENTS = maxCount;

/**
 * What a supervisor watches for each coordinator of an organization (issue #4): open work and how long it has
 * waited, what is overdue now and on each of the last `days` days, and how much of their activity (changes they
 * made, from the audit trail) fell outside business hours — a burnout signal.
 */
export async function supervisionView(
  store: Store,
  db: Db,
  actor: Actor,
  query: SupervisionQuery,
  now: Temporal.Instant,
): Promise<Parameters> {
  if (actor.kind === 'user' && !actor.roles.includes('supervisor'))
    throw new OutcomeError(forbidden('Only a supervisor can see the team view'), 403);
  const roles = (
    await store.search(
      'PractitionerRole',
      new URLSearchParams({
        organization: query.organization,
        role: `${STAFF_ROLE_SYSTEM}|care-coordinator`,
        'active:not': 'false',
        _count: '500',
      }),
    )
  ).matches as PractitionerRole[];
  const coordinators = [
    ...new Set(roles.flatMap((r) => (r.practitioner?.reference ? [r.practitioner.reference] : []))),
  ];
  const organization = await store
    .read<Organization>('Organization', query.organization.replace(/^Organization\//, ''))
    .catch(() => undefined);
  const clock = organizationClock(organization, { timeZone: 'UTC', calendar: usFederalHolidays });
  const timeZone = query.timeZone ?? clock.timeZone;
  const since = now.subtract({ hours: 24 * query.days });
  const parameter: ParametersParameter[] = [];
  for (const coordinator of coordinators.sort()) {
    const owned = (await store.search('Task', new URLSearchParams({ owner: coordinator, _count: String(MAX_EVENTS) })))
      .matches as Task[];
    const items = owned.flatMap((t) => {
      const item = workItem(t);
      return item ? [{ item, task: t }] : [];
    });
    const open = items.filter((x) => x.item.open);
    const times: TaskTimes[] = items.flatMap(({ item, task }) => {
      const authored = instant(task.authoredOn) ?? instant(task.meta?.lastUpdated);
      if (!authored) return [];
      const closed = item.open ? undefined : (instant(task.executionPeriod?.end) ?? instant(task.meta?.lastUpdated));
      return [{ authored, due: item.due, closed }];
    });
    const age = queueAge(
      open.flatMap(({ task }) => instant(task.authoredOn) ?? []),
      now,
    );
    const trend = overdueTrend(times, query.days, now, timeZone);
    const changes = (
      await searchAuditEvents(db.kysely, {
        agent: coordinator,
        from: since.toString(),
        to: now.add({ milliseconds: 1 }).toString(),
        count: MAX_EVENTS,
      })
    ).events.filter((e) => e.action !== 'R');
    const afterHours = changes.filter((e) => {
      const at = instant(e.recorded);
      return at !== undefined && isAfterHours(at, timeZone, clock.calendar);
    }).length;
    parameter.push({
      name: 'coordinator',
      part: [
        { name: 'coordinator', valueReference: { reference: coordinator } },
        { name: 'openTasks', valueInteger: open.length },
        { name: 'overdueNow', valueInteger: trend.at(-1)?.overdue ?? 0 },
        { name: 'queueAgeMedianHours', valueDecimal: age.median },
        { name: 'queueAgeMaxHours', valueDecimal: age.max },
        { name: 'changes', valueInteger: changes.length },
        { name: 'afterHoursChanges', valueInteger: afterHours },
        ...trend.map((d) => ({
          name: 'overdue',
          part: [
            { name: 'day', valueDate: d.day },
            { name: 'count', valueInteger: d.overdue },
          ],
        })),
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}
