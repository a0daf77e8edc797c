import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Failure } from '../../components/Failure.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { displayName, type Named as PatientSummary, useServices } from '../../lib/names.ts';
import {
  type FindBundle,
  findQuery,
  type Proposal,
  proposals,
  rescheduleBody,
  type StoredAppointment,
  summarize,
  WINDOWS,
} from './model.ts';
import { ProposalTable } from './ProposalTable.tsx';
import { type Service, serviceLabel } from './services.ts';
import { WaitlistForm } from './WaitlistForm.tsx';

/**
 * Booking a visit for a patient — or, with `?reschedule={id}`, moving one: the constraints, the best times with why
 * each ranks where it does, and one click to book (or move, with the reason the patient and practitioner are told).
 * When nothing fits, the patient can go on the service's waitlist from here.
 */
export function BookVisit() {
  const { t } = useTranslation('scheduling');
  const { id = '' } = useParams();
  const moving = useSearchParams()[0].get('reschedule') ?? undefined;
  const [service, setService] = useState<string | null>(null);
  const [windows, setWindows] = useState<string[]>([]);
  const [inNetwork, setInNetwork] = useState(false);
  const [virtual, setVirtual] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [asked, setAsked] = useState<string | undefined>();

  const patient = useQuery({
    queryKey: ['patient', id],
    queryFn: () => api<PatientSummary>('GET', `/fhir/R4/Patient/${id}`),
  });
  const old = useQuery({
    queryKey: ['appointment', moving],
    enabled: moving !== undefined,
    queryFn: async () => summarize(await api<StoredAppointment>('GET', `/fhir/R4/Appointment/${moving}`)),
  });
  const services = useServices<Service>();
  const chosen = service ?? old.data?.service?.replace('HealthcareService/', '') ?? null;
  const found = useQuery({
    queryKey: ['find', asked],
    enabled: asked !== undefined,
    retry: false,
    queryFn: async () => proposals(await api<FindBundle>('GET', `/fhir/R4/Appointment/$find?${asked}`)),
  });
  const queryClient = useQueryClient();
  const book = useMutation({
    // The patient's lists and the calendars show the change at once.
    onSuccess: () =>
      Promise.all(['appointments', 'calendar', 'chart'].map((k) => queryClient.invalidateQueries({ queryKey: [k] }))),
    mutationFn: (p: Proposal) =>
      moving
        ? api<{ id: string; start: string }>(
            'POST',
            `/fhir/R4/Appointment/${moving}/$reschedule`,
            rescheduleBody(p.appointment, reason.trim()),
          )
        : api<{ id: string; start: string }>('POST', '/fhir/R4/Appointment/$book', p.appointment),
  });
  const choose = (p: Proposal) => {
    if (moving && !reason.trim()) return setReasonError(t('book.reasonRequired'));
    setReasonError(undefined);
    book.mutate(p);
  };

  if (book.data)
    return (
      <Alert color="green" title={moving ? t('book.moved') : t('book.booked')} role="status">
        <Text>
          {moving
            ? t('book.movedText', { when: formatDateTime(book.data.start) })
            : t('book.bookedText', { name: displayName(patient.data), when: formatDateTime(book.data.start) })}
        </Text>
        <Group mt="sm">
          <Link to={`/patients/${id}`}>{t('book.backToPatient')}</Link>
          <Link to={`/patients/${id}/appointments`}>{t('book.appointments')}</Link>
        </Group>
      </Alert>
    );

  return (
    <Stack>
      <Title order={1} size="h2">
        {moving
          ? t('book.rescheduleTitle', { when: formatDateTime(old.data?.start) })
          : patient.data
            ? t('book.titleFor', { name: displayName(patient.data) })
            : t('book.title')}
      </Title>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) setAsked(findQuery({ service: chosen, patient: id, windows, inNetwork, virtual }));
          }}
        >
          <Stack>
            <Select
              label={t('book.service')}
              placeholder={services.isPending ? t('book.loading') : t('book.chooseService')}
              data={(services.data ?? []).map((s) => ({ value: s.id, label: serviceLabel(s) }))}
              value={chosen}
              onChange={setService}
              searchable
              required
            />
            <Checkbox.Group label={t('book.windows')} value={windows} onChange={setWindows}>
              <Group mt="xs">
                {WINDOWS.map((w) => (
                  <Checkbox key={w} value={w} label={t(`window.${w}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group>
              <Switch
                label={t('book.inNetwork')}
                checked={inNetwork}
                onChange={(e) => setInNetwork(e.currentTarget.checked)}
              />
              <Switch label={t('book.video')} checked={virtual} onChange={(e) => setVirtual(e.currentTarget.checked)} />
            </Group>
            {moving && (
              <TextInput
                label={t('book.reason')}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={
                  reasonError ?? (book.error instanceof ApiError && book.error.field === 'reason' && book.error.message)
                }
                // Asked for when a time is chosen, not to search.
                withAsterisk
                maxLength={500}
              />
            )}
            <Group>
              <Button type="submit" disabled={!chosen}>
                {t('book.find')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      {found.isFetching && <Loader aria-label={t('book.finding')} />}
      <Failure error={found.error} />
      <Failure error={book.error} />
      {found.data && found.data.length === 0 && (
        <>
          <Alert color="gray">{t('book.nothing')}</Alert>
          {chosen && !moving && <WaitlistForm patient={id} service={chosen} />}
        </>
      )}
      {found.data && found.data.length > 0 && (
        <ProposalTable
          proposals={found.data}
          action={moving ? t('book.moveButton') : t('book.bookButton')}
          busy={book.isPending ? book.variables : undefined}
          onChoose={choose}
        />
      )}
    </Stack>
  );
}
