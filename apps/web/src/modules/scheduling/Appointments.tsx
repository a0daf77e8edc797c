import { Anchor, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Failure } from '../../components/Failure.tsx';
import { Notice } from '../../components/Notice.tsx';
import { api, parameters } from '../../lib/api.ts';
import { formatDateTime, formatDayOf } from '../../lib/format.ts';
import { displayName, type Named, useNames, useServices } from '../../lib/names.ts';
import { CancelDialog } from './CancelDialog.tsx';
import { type AppointmentSummary, actionsFor, type StoredAppointment, splitAppointments, summarize } from './model.ts';
import { type Service, serviceLabel } from './services.ts';
import { WaitlistForm } from './WaitlistForm.tsx';

/**
 * A patient's appointments: upcoming (move, cancel), past (mark a no-show) and their waitlist entries (leave), and
 * putting them on a service's waitlist.
 */
export function Appointments() {
  const { t } = useTranslation('scheduling');
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState<AppointmentSummary | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const patient = useQuery({ queryKey: ['patient', id], queryFn: () => api<Named>('GET', `/fhir/R4/Patient/${id}`) });
  const list = useQuery({
    queryKey: ['appointments', id],
    queryFn: async () =>
      (
        (
          await api<{ entry?: { resource: StoredAppointment }[] }>(
            'GET',
            `/fhir/R4/Appointment?patient=Patient/${id}&_count=200`,
          )
        ).entry ?? []
      ).map((e) => summarize(e.resource)),
  });
  const services = useServices<Service>();
  const names = useNames(
    'Practitioner',
    (list.data ?? []).map((a) => a.practitioner),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['appointments', id] });
  const noShow = useMutation({
    mutationFn: (a: AppointmentSummary) => api('POST', `/fhir/R4/Appointment/${a.id}/$no-show`, parameters({})),
    onSuccess: () => {
      setDone(t('appointments.noShowDone'));
      return refresh();
    },
  });
  const failure = list.error ?? noShow.error;
  const now = Date.now();
  const split = splitAppointments(list.data ?? [], now);
  const serviceName = (ref: string | undefined) => {
    const s = services.data?.find((x) => `HealthcareService/${x.id}` === ref);
    return s ? serviceLabel(s) : '';
  };

  const table = (rows: readonly AppointmentSummary[], caption: string, empty: string) =>
    rows.length === 0 ? (
      <Text>{empty}</Text>
    ) : (
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={caption}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('appointments.when')}</Table.Th>
              <Table.Th>{t('appointments.service')}</Table.Th>
              <Table.Th>{t('appointments.with')}</Table.Th>
              <Table.Th>{t('appointments.where')}</Table.Th>
              <Table.Th>{t('appointments.status')}</Table.Th>
              <Table.Th>{t('appointments.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((a) => {
              const may = actionsFor(a, now);
              return (
                <Table.Tr key={a.id} data-testid="appointment">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {a.status === 'waitlist'
                      ? t('appointments.between', {
                          from: formatDayOf(a.requested?.start),
                          to: formatDayOf(a.requested?.end, true),
                        })
                      : formatDateTime(a.start)}
                  </Table.Td>
                  <Table.Td>{serviceName(a.service)}</Table.Td>
                  <Table.Td>{(a.practitioner && names?.get(a.practitioner)) ?? ''}</Table.Td>
                  <Table.Td>{a.virtual ? t('calendar.video') : (a.site ?? '')}</Table.Td>
                  <Table.Td>{t(`status.${a.status}` as 'status.booked', { defaultValue: a.status })}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {may.reschedule && (
                        <Button component={Link} to={`/patients/${id}/book?reschedule=${a.id}`} size="compact-sm">
                          {t('appointments.reschedule')}
                        </Button>
                      )}
                      {may.cancel && (
                        <Button size="compact-sm" variant="default" onClick={() => setCancelling(a)}>
                          {t('appointments.cancel')}
                        </Button>
                      )}
                      {may.noShow && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          loading={noShow.isPending && noShow.variables === a}
                          onClick={() => noShow.mutate(a)}
                        >
                          {t('appointments.noShow')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {patient.data ? t('appointments.titleFor', { name: displayName(patient.data) }) : t('appointments.title')}
        </Title>
        <Group>
          <Anchor component={Link} to={`/patients/${id}`}>
            {t('book.backToPatient')}
          </Anchor>
          <Button component={Link} to={`/patients/${id}/book`}>
            {t('appointments.book')}
          </Button>
        </Group>
      </Group>
      {done && <Notice onClose={() => setDone(undefined)}>{done}</Notice>}
      <Failure error={failure} />
      {list.isPending ? (
        <Loader aria-label={t('appointments.loading')} />
      ) : (
        <>
          <Title order={2} size="h4">
            {t('appointments.upcoming')}
          </Title>
          {table(split.upcoming, t('appointments.upcoming'), t('appointments.noneUpcoming'))}
          <Title order={2} size="h4">
            {t('appointments.waitlist')}
          </Title>
          {table(split.waitlist, t('appointments.waitlist'), t('appointments.noneWaiting'))}
          <Title order={2} size="h4">
            {t('appointments.past')}
          </Title>
          {table(split.past, t('appointments.past'), t('appointments.nonePast'))}
        </>
      )}
      <WaitlistForm patient={id} />
      <CancelDialog
        appointment={cancelling}
        onClose={() => setCancelling(undefined)}
        onCancelled={() => {
          setDone(t('appointments.cancelled'));
          return refresh();
        }}
      />
    </Stack>
  );
}
