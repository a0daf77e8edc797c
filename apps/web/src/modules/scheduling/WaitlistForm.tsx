import '@mantine/dates/styles.css';
import 'dayjs/locale/es';
import { Alert, Button, Card, Group, Select, Stack, Title } from '@mantine/core';
import { DatePickerInput, DatesProvider } from '@mantine/dates';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api.ts';
import { useServices } from '../../lib/names.ts';
import { waitlistBody } from './model.ts';
import { type Service, serviceLabel } from './services.ts';

type Range = [string | null, string | null];
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Puts the patient on a service's waitlist for a period: the first freed time of that service that fits is offered.
 * The service is the one searched for, or chosen here.
 */
export function WaitlistForm({ patient, service }: { patient: string; service?: string | undefined }) {
  const { t, i18n } = useTranslation('scheduling');
  const queryClient = useQueryClient();
  const services = useServices<Service>();
  const [chosen, setChosen] = useState<string | null>(service ?? null);
  const [range, setRange] = useState<Range>([isoDay(Date.now()), isoDay(Date.now() + 30 * DAY)]);
  const join = useMutation({
    mutationFn: () => api('POST', '/fhir/R4/Appointment/$waitlist', waitlistBody(patient, chosen ?? '', range)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['appointments', patient] }),
  });
  if (join.isSuccess)
    return (
      <Alert color="green" role="status">
        {t('appointments.joined')}
      </Alert>
    );
  const error = join.error instanceof ApiError ? join.error : undefined;
  return (
    <Card withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          join.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {t('appointments.joinTitle')}
          </Title>
          {!service && (
            <Select
              label={t('appointments.joinService')}
              data={(services.data ?? []).map((s) => ({ value: s.id, label: serviceLabel(s) }))}
              value={chosen}
              onChange={setChosen}
              searchable
              required
              error={error?.field === 'service' ? error.message : undefined}
            />
          )}
          <DatesProvider settings={{ locale: i18n.resolvedLanguage ?? 'en', firstDayOfWeek: 1 }}>
            <DatePickerInput
              type="range"
              label={`${t('appointments.joinFrom')} – ${t('appointments.joinTo')}`}
              value={range}
              onChange={(v) => setRange(v as Range)}
              minDate={isoDay(Date.now())}
              allowSingleDateInRange={false}
              required
              error={error && (error.field === 'from' || error.field === 'to') ? error.message : undefined}
            />
          </DatesProvider>
          {join.error && !['from', 'to', 'service'].includes(error?.field ?? '') && (
            <Alert color="red" role="alert">
              {error?.message ?? t('common.tryAgain', { ns: 'app' })}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={join.isPending} disabled={!chosen || !range[0] || !range[1]}>
              {t('appointments.joinButton')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
