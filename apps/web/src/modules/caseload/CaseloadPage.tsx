import '@mantine/charts/styles.css';
import { Alert, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../app/auth.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import { Charts } from './Charts.tsx';
import { type ParametersBody, readSuggestion, readSupervision, STAFF_ROLE_SYSTEM, teamRows } from './model.ts';
import { Suggestion } from './Suggestion.tsx';
import { TeamTable } from './TeamTable.tsx';

type Role = { organization?: { reference?: string; display?: string } };

/** The organizations whose coordinators this supervisor supervises (their active supervisor PractitionerRoles). */
function useSupervisedTeams(practitioner: string | undefined) {
  return useQuery({
    queryKey: ['caseload', 'teams', practitioner],
    enabled: practitioner !== undefined,
    queryFn: async () => {
      const role = encodeURIComponent(`${STAFF_ROLE_SYSTEM}|supervisor`);
      const b = await api<{ entry?: { resource: Role }[] }>(
        'GET',
        `/fhir/R4/PractitionerRole?practitioner=${practitioner}&role=${role}&active:not=false&_count=50`,
      );
      const teams = new Map<string, string>();
      for (const e of b.entry ?? []) {
        const o = e.resource.organization;
        if (o?.reference?.startsWith('Organization/')) teams.set(o.reference, o.display ?? o.reference);
      }
      return [...teams].map(([value, label]) => ({ value, label }));
    },
  });
}

/** One team's loads, suggestion and trends. */
function Team({ organization }: { organization: string }) {
  const { t } = useTranslation('caseload');
  const suggestion = useQuery({
    queryKey: ['caseload', organization, 'suggestion'],
    queryFn: async () =>
      readSuggestion(
        await api<ParametersBody>('POST', `/fhir/R4/${organization}/$rebalance`, { resourceType: 'Parameters' }),
      ),
  });
  const activity = useQuery({
    queryKey: ['caseload', organization, 'supervision'],
    queryFn: async () =>
      readSupervision(
        await api<ParametersBody>('GET', `/fhir/R4/Task/$supervision?organization=${organization}&days=14`),
      ),
  });
  const coordinators = useNames(
    'Practitioner',
    (suggestion.data?.loads ?? []).map((l) => l.coordinator),
  );
  const patients = useNames(
    'Patient',
    (suggestion.data?.moves ?? []).map((m) => m.patient),
  );
  const names = {
    coordinator: (r: string) => coordinators?.get(r) ?? t('unnamedCoordinator'),
    patient: (r: string) => patients?.get(r) ?? t('unnamedPatient'),
  };
  const message = (e: Error | null, fallback: string) => (e instanceof ApiError ? e.message : fallback);

  if (suggestion.isPending) return <Loader aria-label={t('loading')} />;
  if (suggestion.isError)
    return (
      <Alert color="red" role="alert" title={t('failed')}>
        {message(suggestion.error, t('failed'))}
      </Alert>
    );
  const data = suggestion.data;
  if (data.loads.length === 0) return <Alert color="gray">{t('noCoordinators')}</Alert>;
  return (
    <Stack gap="xl">
      <Stack component="section" aria-labelledby="caseload-load">
        <Title order={2} size="h3" id="caseload-load">
          {t('load.heading')}
        </Title>
        <Text>{t('load.target', { target: formatNumber(data.target), average: formatNumber(data.average) })}</Text>
        <Text size="sm">{t('load.formula')}</Text>
        <TeamTable rows={teamRows(data, activity.data)} name={names.coordinator} activityState={activity.status} />
      </Stack>
      <Stack component="section" aria-labelledby="caseload-trends">
        <Title order={2} size="h3" id="caseload-trends">
          {t('charts.heading')}
        </Title>
        {activity.isPending && <Loader aria-label={t('charts.loading')} />}
        {activity.isError && (
          <Alert color="red" role="alert" title={t('charts.failed')}>
            {message(activity.error, t('charts.failed'))}
          </Alert>
        )}
        {activity.data && <Charts activity={activity.data} name={names.coordinator} />}
      </Stack>
      <Stack component="section" aria-labelledby="caseload-suggestion">
        <Title order={2} size="h3" id="caseload-suggestion">
          {t('suggestion.heading')}
        </Title>
        <Suggestion organization={organization} suggestion={data} names={names} />
      </Stack>
    </Stack>
  );
}

/**
 * The supervisor's caseload screen (issue #7): each coordinator's load and what it is made of, the rebalancing
 * suggestion to accept, and the trends (queue age, overdue work). The team is the organization the signed-in
 * supervisor's role is in; a supervisor of several teams chooses one.
 */
export function CaseloadPage() {
  const { t } = useTranslation('caseload');
  const { session } = useAuth();
  const reference = session?.reference?.startsWith('Practitioner/') ? session.reference : undefined;
  const teams = useSupervisedTeams(reference);
  const [chosen, setChosen] = useState<string | null>(null);
  const organization = chosen ?? teams.data?.[0]?.value;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('title')}
      </Title>
      {teams.data?.length === 1 && <Text>{teams.data[0]?.label}</Text>}
      {!reference && <Alert color="yellow">{t('unlinked')}</Alert>}
      {teams.isPending && reference && <Loader aria-label={t('loading')} />}
      {teams.isError && (
        <Alert color="red" role="alert" title={t('failed')}>
          {teams.error instanceof ApiError ? teams.error.message : t('failed')}
        </Alert>
      )}
      {teams.data?.length === 0 && <Alert color="gray">{t('noTeam')}</Alert>}
      {(teams.data?.length ?? 0) > 1 && (
        <Select
          label={t('team')}
          data={teams.data ?? []}
          value={organization ?? null}
          onChange={setChosen}
          allowDeselect={false}
          maw={400}
        />
      )}
      {organization && <Team key={organization} organization={organization} />}
    </Stack>
  );
}
