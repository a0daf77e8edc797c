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
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { type Chart, chartOf } from './model.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const today = () => new Date().toISOString().slice(0, 10);

/** The patient view: the header a coordinator checks first, the timeline, and the clinical lists. */
export function PatientPage() {
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
  if (!ID.test(id)) return <Alert color="red">That is not a patient address.</Alert>;
  if (chart.isPending) return <Loader aria-label="Loading the patient" />;
  if (chart.error instanceof ApiError && (chart.error.status === 403 || chart.error.status === 404))
    return <BreakTheGlass patient={id} broke={broke} onBroke={() => setBroke(true)} />;
  if (chart.error) return <Alert color="red">{(chart.error as Error).message}</Alert>;
  if (!chart.data) return <BreakTheGlass patient={id} broke={broke} onBroke={() => setBroke(true)} />;
  return <ChartView chart={chart.data} id={id} />;
}

function ChartView({ chart, id }: { chart: Chart; id: string }) {
  const h = chart.header;
  return (
    <Stack>
      <Card withBorder component="section" aria-label="Patient header">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={1} size="h2">
              {h.name}
            </Title>
            <Text>
              {[
                h.age !== undefined ? `${h.age} years` : undefined,
                h.gender,
                h.birthDate ? `born ${h.birthDate}` : undefined,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          </div>
          <Group gap="xs">
            <Button component={Link} to={`/patients/${id}/book`} size="xs">
              Book a visit
            </Button>
            <Button component={Link} to={`/patients/${id}/refer`} size="xs" variant="light">
              Refer
            </Button>
            {h.interpreter && <Badge color="grape">Interpreter needed</Badge>}
            {h.risk !== undefined && (
              <Badge color={h.risk >= 0.5 ? 'red' : h.risk >= 0.2 ? 'yellow' : 'gray'}>
                Risk {Math.round(h.risk * 100)} %
              </Badge>
            )}
          </Group>
        </Group>
        <Grid mt="sm">
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>Language</Text>
            <Text>{h.language ?? 'Not recorded'}</Text>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>Coverage</Text>
            <Text>{h.coverage.length ? h.coverage.join('; ') : 'None on file'}</Text>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text fw={600}>Primary coordinator</Text>
            <Text>{h.coordinator ?? 'None assigned'}</Text>
          </Grid.Col>
        </Grid>
        {h.alerts.length > 0 && (
          <Alert color="orange" mt="sm" title="Alerts">
            {h.alerts.join(' · ')}
          </Alert>
        )}
      </Card>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder component="section" aria-labelledby="timeline">
            <Title order={2} size="h4" id="timeline" mb="xs">
              Timeline
            </Title>
            {chart.timeline.length === 0 ? (
              <Text>Nothing recorded yet.</Text>
            ) : (
              <Table aria-labelledby="timeline">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {chart.timeline.slice(0, 100).map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(t.at)}</Table.Td>
                      <Table.Td>{t.title}</Table.Td>
                      <Table.Td>{t.detail}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <ListCard title="Problems" items={chart.problems} empty="No active problems" />
            <ListCard title="Medications" items={chart.medications} empty="No active medications" />
            <ListCard title="Allergies" items={chart.allergies} empty="No known allergies recorded" />
            <ListCard
              title="Care team"
              items={chart.careTeam.map((m) => (m.role ? `${m.name} — ${m.role}` : m.name))}
              empty="No care team"
            />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function ListCard({ title, items, empty }: { title: string; items: readonly string[]; empty: string }) {
  const id = `list-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Card withBorder component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="xs">
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
      setError(err instanceof ApiError ? err : new ApiError('That did not work. Please try again.', 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder maw={560}>
      <Title order={1} size="h3" mb="xs">
        This patient is not on your caseload
      </Title>
      <Text mb="md">
        You can open the chart in an emergency. Say why: the access is recorded, time-limited and reviewed by a
        supervisor. If the patient does not exist, nothing opens.
      </Text>
      {broke && (
        <Alert color="red" mb="md" role="alert">
          No chart could be opened for this address. Check that you have the right patient.
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack>
          <Textarea name="reason" label="Reason for access" required minRows={2} autosize error={error?.message} />
          <Group>
            <Button type="submit" color="red" loading={busy}>
              Break the glass and open the chart
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
