import {
  Alert,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  List,
  Loader,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../../lib/api.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { locale } from '../../lib/i18n.ts';
import { patientsMessages } from './messages.ts';
import { type Chart, chartOf, type Phrase } from './model.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const today = () => new Date().toISOString().slice(0, 10);
const { gender: GENDERS, status: STATUSES } = patientsMessages.en;

/** A language by its BCP-47 code, named in the user's language ("español", "Spanish"); undefined if not a code. */
function languageName(code: string | undefined) {
  try {
    return code ? new Intl.DisplayNames([locale()], { type: 'language', fallback: 'none' }).of(code) : undefined;
  } catch {
    return undefined;
  }
}

/** The chart's words in the user's language: the record's own as they are, the page's by key, codes by their label. */
function useWords() {
  const { t } = useTranslation('patients');
  return {
    t,
    say: (p: Phrase) => (typeof p === 'string' ? p : t(`said.${p.said}`, { ...p.values })),
    gender: (code: string) => (Object.hasOwn(GENDERS, code) ? t(`gender.${code as keyof typeof GENDERS}`) : code),
    status: (kind: string, code: string) =>
      Object.hasOwn(STATUSES, kind) && Object.hasOwn(STATUSES[kind as keyof typeof STATUSES], code)
        ? t(`status.${kind}.${code}` as 'status.Task.draft')
        : code,
  };
}

/** The patient view: the header a coordinator checks first, the timeline, and the clinical lists. */
export function PatientPage() {
  const { t } = useTranslation('patients');
  const { id = '' } = useParams();
  // Kept here: the form below is replaced by a loader while the chart is asked for again after breaking the glass.
  const [broke, setBroke] = useState(false);
  const chart = useQuery({
    queryKey: ['chart', id],
    enabled: ID.test(id),
    retry: false,
    queryFn: async () =>
      chartOf(
        await api<{ entry?: { resource?: never }[] }>('GET', `/fhir/R4/Patient/${id}/$everything?_count=1000`),
        id,
        today(),
      ),
  });
  if (!ID.test(id)) return <Alert color="red">{t('chart.notAnAddress')}</Alert>;
  if (chart.isPending) return <Loader aria-label={t('chart.loading')} />;
  if (chart.error instanceof ApiError && (chart.error.status === 403 || chart.error.status === 404))
    return <BreakTheGlass patient={id} broke={broke} onBroke={() => setBroke(true)} />;
  if (chart.error) return <Alert color="red">{(chart.error as Error).message}</Alert>;
  if (!chart.data) return <BreakTheGlass patient={id} broke={broke} onBroke={() => setBroke(true)} />;
  return <ChartView chart={chart.data} id={id} />;
}

function ChartView({ chart, id }: { chart: Chart; id: string }) {
  const { t, say, gender, status } = useWords();
  const h = chart.header;
  return (
    <Stack>
      <Card withBorder component="section" aria-label={t('chart.header')}>
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={1} size="h2">
              {say(h.name)}
            </Title>
            <Text>
              {[
                h.age !== undefined ? t('chart.age', { count: h.age }) : undefined,
                h.gender && gender(h.gender),
                h.birthDate ? t('chart.born', { date: formatDate(h.birthDate) }) : undefined,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          </div>
          <Group gap="xs">
            <Button component={Link} to={`/patients/${id}/book`} size="xs">
              {t('chart.bookVisit')}
            </Button>
            <Button component={Link} to={`/patients/${id}/appointments`} size="xs" variant="light">
              {t('chart.appointments')}
            </Button>
            <Button component={Link} to={`/patients/${id}/refer`} size="xs" variant="light">
              {t('chart.refer')}
            </Button>
            {h.interpreter && <Badge color="grape">{t('chart.interpreter')}</Badge>}
            {h.risk !== undefined && (
              <Badge color={h.risk >= 0.5 ? 'red' : h.risk >= 0.2 ? 'yellow' : 'gray'}>
                {t('chart.risk', { percent: Math.round(h.risk * 100) })}
              </Badge>
            )}
          </Group>
        </Group>
        <Grid mt="sm">
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>{t('chart.language')}</Text>
            <Text>{languageName(h.languageCode) ?? h.language ?? t('chart.notRecorded')}</Text>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>{t('chart.coverage')}</Text>
            <Text>{h.coverage.length ? h.coverage.map(say).join('; ') : t('chart.noCoverage')}</Text>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>{t('chart.coordinator')}</Text>
            <Text>{h.coordinator ?? t('chart.noCoordinator')}</Text>
          </Grid.Col>
        </Grid>
        {h.alerts.length > 0 && (
          <Alert color="orange" mt="sm" title={t('chart.alerts')}>
            {h.alerts.join(' · ')}
          </Alert>
        )}
      </Card>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder component="section" aria-labelledby="timeline">
            <Title order={2} size="h4" id="timeline" mb="xs">
              {t('chart.timeline')}
            </Title>
            {chart.timeline.length === 0 ? (
              <Text>{t('chart.nothingYet')}</Text>
            ) : (
              <Table aria-labelledby="timeline">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('chart.when')}</Table.Th>
                    <Table.Th>{t('chart.what')}</Table.Th>
                    <Table.Th>{t('chart.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {chart.timeline.slice(0, 100).map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td>{say(e.title)}</Table.Td>
                      <Table.Td>{status(e.kind, e.status)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <ListCard id="problems" title={t('chart.problems')} items={chart.problems} empty={t('chart.noProblems')} />
            <ListCard
              id="medications"
              title={t('chart.medications')}
              items={chart.medications.map(say)}
              empty={t('chart.noMedications')}
            />
            <ListCard
              id="allergies"
              title={t('chart.allergies')}
              items={chart.allergies}
              empty={t('chart.noAllergies')}
            />
            <ListCard
              id="care-team"
              title={t('chart.careTeam')}
              items={chart.careTeam.map((m) => (m.role ? `${say(m.name)} — ${m.role}` : say(m.name)))}
              empty={t('chart.noCareTeam')}
            />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function ListCard({ id, title, items, empty }: { id: string; title: string; items: readonly string[]; empty: string }) {
  return (
    <Card withBorder component="section" aria-labelledby={`list-${id}`}>
      <Title order={2} size="h4" id={`list-${id}`} mb="xs">
        {title}
      </Title>
      {items.length ? (
        <List size="sm">
          {[...new Set(items)].map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">{empty}</Text>
      )}
    </Card>
  );
}

/** Outside one's relationships: the chart opens only with a reason, recorded and reviewed (break the glass). */
function BreakTheGlass({ patient, broke, onBroke }: { patient: string; broke: boolean; onBroke(): void }) {
  const { t } = useTranslation('patients');
  const queryClient = useQueryClient();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/admin/break-glass', { patient: `Patient/${patient}`, reason });
      onBroke();
      await queryClient.invalidateQueries({ queryKey: ['chart', patient] });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(t('common.tryAgain', { ns: 'app' }), 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder maw={560}>
      <Title order={1} size="h3" mb="xs">
        {t('breakGlass.title')}
      </Title>
      <Text mb="md">{t('breakGlass.body')}</Text>
      {broke && (
        <Alert color="red" mb="md" role="alert">
          {t('breakGlass.nothingOpened')}
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack>
          <Textarea name="reason" label={t('breakGlass.reason')} required minRows={2} autosize error={error?.message} />
          <Group>
            <Button type="submit" color="red" loading={busy}>
              {t('breakGlass.open')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
