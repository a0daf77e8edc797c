import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Loader,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { displayName, type Named as PatientSummary, useNames, useServices } from '../../lib/names.ts';
import { type FindBundle, findQuery, type Proposal, proposals, WINDOWS } from './model.ts';

type Service = { id: string; name?: string; type?: { text?: string; coding?: { display?: string }[] }[] };
const serviceLabel = (s: Service) => s.name ?? s.type?.[0]?.text ?? s.type?.[0]?.coding?.[0]?.display ?? s.id;

/** Booking a visit for a patient: the constraints, the best times with why each ranks where it does, and the booking. */
export function BookVisit() {
  const { id = '' } = useParams();
  const [service, setService] = useState<string | null>(null);
  const [windows, setWindows] = useState<string[]>([]);
  const [inNetwork, setInNetwork] = useState(false);
  const [virtual, setVirtual] = useState(false);
  const [asked, setAsked] = useState<string | undefined>();

  const patient = useQuery({
    queryKey: ['patient', id],
    queryFn: () => api<PatientSummary>('GET', `/fhir/R4/Patient/${id}`),
  });
  const services = useServices<Service>();
  const found = useQuery({
    queryKey: ['find', asked],
    enabled: asked !== undefined,
    retry: false,
    queryFn: async () => proposals(await api<FindBundle>('GET', `/fhir/R4/Appointment/$find?${asked}`)),
  });
  const names = useNames(
    'Practitioner',
    (found.data ?? []).map((p) => p.practitioner),
  );
  const book = useMutation({
    mutationFn: (p: Proposal) =>
      api<{ id: string; start: string }>('POST', '/fhir/R4/Appointment/$book', p.appointment),
  });

  if (book.data)
    return (
      <Alert color="green" title="Booked" role="status">
        <Text>
          {displayName(patient.data)} is booked for {formatDateTime(book.data.start)}. They are told by e-mail and text
          in their language.
        </Text>
        <Link to={`/patients/${id}`}>Back to the patient</Link>
      </Alert>
    );

  return (
    <Stack>
      <Title order={1} size="h2">
        Book a visit{patient.data ? ` for ${displayName(patient.data)}` : ''}
      </Title>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (service) setAsked(findQuery({ service, patient: id, windows, inNetwork, virtual }));
          }}
        >
          <Stack>
            <Select
              label="Service"
              placeholder={services.isPending ? 'Loading…' : 'Choose a service'}
              data={(services.data ?? []).map((s) => ({ value: s.id, label: serviceLabel(s) }))}
              value={service}
              onChange={setService}
              searchable
              required
            />
            <Checkbox.Group label="When the patient can come (none: any time)" value={windows} onChange={setWindows}>
              <Group mt="xs">
                {WINDOWS.map((w) => (
                  <Checkbox key={w.value} value={w.value} label={w.label} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group>
              <Switch
                label="In the patient's network only"
                checked={inNetwork}
                onChange={(e) => setInNetwork(e.currentTarget.checked)}
              />
              <Switch label="Video visit" checked={virtual} onChange={(e) => setVirtual(e.currentTarget.checked)} />
            </Group>
            <Group>
              <Button type="submit" disabled={!service}>
                Find times
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      {found.isFetching && <Loader aria-label="Finding times" />}
      {found.error && (
        <Alert color="red" role="alert">
          {(found.error as Error).message}
        </Alert>
      )}
      {book.error && (
        <Alert color="red" role="alert">
          {book.error instanceof ApiError ? book.error.message : 'The booking did not go through.'}
        </Alert>
      )}
      {found.data && found.data.length === 0 && (
        <Alert color="gray">No time fits these constraints in the next 30 days. Try fewer constraints.</Alert>
      )}
      {found.data && found.data.length > 0 && (
        <Table aria-label="Times found, best first">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>With</Table.Th>
              <Table.Th>Where</Table.Th>
              <Table.Th>Why this rank</Table.Th>
              <Table.Th>Book</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.map((p) => (
              <Table.Tr key={p.key} data-testid="proposal">
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.start)}</Table.Td>
                <Table.Td>
                  {(p.practitioner && names?.get(p.practitioner)) ?? 'Practitioner'}
                  {p.interpreter && <Text size="sm">with an interpreter</Text>}
                </Table.Td>
                <Table.Td>{p.site ?? 'Video'}</Table.Td>
                <Table.Td>
                  <List size="xs">
                    {p.reasons.map((r) => (
                      <List.Item key={r}>{r}</List.Item>
                    ))}
                  </List>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    loading={book.isPending && book.variables === p}
                    onClick={() => book.mutate(p)}
                  >
                    Book
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
