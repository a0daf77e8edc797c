import { Anchor, Badge, Button, Card, Group, Loader, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth.tsx';
import { Failure } from '../../components/Failure.tsx';
import { api } from '../../lib/api.ts';
import { locale } from '../../lib/i18n.ts';
import { displayName, type Named, useNames } from '../../lib/names.ts';
import { CalendarFeed } from './CalendarFeed.tsx';
import { byDay, calendarQuery, dayKey, type StoredAppointment, summarize, weekDays, weekStart } from './model.ts';

type Bundle<T> = { entry?: { resource: T }[] };

/** A practitioner's week: each day's appointments in time order, the patients named, and the calendar feed. */
export function ProviderCalendar() {
  const { t } = useTranslation('scheduling');
  const { session } = useAuth();
  const own = session?.reference?.startsWith('Practitioner/') ? session.reference : null;
  const [practitioner, setPractitioner] = useState<string | null>(own);
  const [search, setSearch] = useState('');
  const [typed] = useDebouncedValue(search, 250);
  const [start, setStart] = useState(() => weekStart(new Date()));

  const chosenName = useNames('Practitioner', [practitioner ?? undefined]);
  const chosenLabel = practitioner ? chosenName?.get(practitioner) : undefined;
  // What the user typed, not the chosen name the field shows once chosen.
  const query = typed === chosenLabel ? '' : typed;
  const candidates = useQuery({
    queryKey: ['practitioners', query],
    queryFn: async () =>
      (
        await api<Bundle<Named>>(
          'GET',
          `/fhir/R4/Practitioner?${new URLSearchParams({ ...(query ? { name: query } : {}), _count: '20', _elements: 'name' })}`,
        )
      ).entry?.map((e) => ({ value: `Practitioner/${e.resource.id}`, label: displayName(e.resource) })) ?? [],
  });
  const week = useQuery({
    queryKey: ['calendar', practitioner, start.toISOString()],
    enabled: practitioner !== null,
    queryFn: async () =>
      (
        (
          await api<Bundle<StoredAppointment>>(
            'GET',
            `/fhir/R4/Appointment?${calendarQuery(practitioner ?? '', start)}`,
          )
        ).entry ?? []
      ).map((e) => summarize(e.resource)),
  });
  const patients = useNames(
    'Patient',
    (week.data ?? []).map((a) => a.patient),
  );
  const days = byDay(week.data ?? []);
  const shift = (weeks: number) => setStart((s) => new Date(s.getFullYear(), s.getMonth(), s.getDate() + 7 * weeks));
  const dayTitle = new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'short' });
  const time = new Intl.DateTimeFormat(locale(), { timeStyle: 'short' });
  const options = [...(candidates.data ?? [])];
  if (practitioner && !options.some((o) => o.value === practitioner))
    options.unshift({ value: practitioner, label: chosenLabel ?? '…' });

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('calendar.title')}
      </Title>
      <Group align="flex-end">
        <Select
          label={t('calendar.practitioner')}
          placeholder={t('calendar.choose')}
          data={options}
          value={practitioner}
          onChange={setPractitioner}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options: o }) => o}
          w={320}
        />
        <Group gap="xs">
          <Button variant="default" onClick={() => shift(-1)}>
            {t('calendar.previous')}
          </Button>
          <Button variant="default" onClick={() => setStart(weekStart(new Date()))}>
            {t('calendar.today')}
          </Button>
          <Button variant="default" onClick={() => shift(1)}>
            {t('calendar.next')}
          </Button>
        </Group>
      </Group>
      {practitioner === null ? (
        <Text>{t('calendar.pick')}</Text>
      ) : (
        <>
          <Group justify="space-between">
            <Title order={2} size="h4">
              {t('calendar.week', { date: new Intl.DateTimeFormat(locale(), { dateStyle: 'long' }).format(start) })}
            </Title>
            {week.data && <Text size="sm">{t('calendar.count', { count: week.data.length })}</Text>}
          </Group>
          {week.isPending && <Loader aria-label={t('calendar.loading')} />}
          <Failure error={week.error} />
          <SimpleGrid cols={{ base: 1, md: 7 }} spacing="xs">
            {weekDays(start).map((day) => (
              <Card
                key={day.toISOString()}
                withBorder
                padding="xs"
                component="section"
                aria-label={dayTitle.format(day)}
              >
                <Text fw={700} size="sm" mb="xs">
                  {dayTitle.format(day)}
                </Text>
                <Stack gap={6}>
                  {(days.get(dayKey(day)) ?? []).map((a) => (
                    <Card key={a.id} withBorder padding={6} data-testid="calendar-appointment">
                      <Text size="sm" fw={600}>
                        {a.start && time.format(new Date(a.start))}
                        {a.end && `–${time.format(new Date(a.end))}`}
                      </Text>
                      {a.patient && patients?.get(a.patient) && (
                        <Anchor component={Link} to={`/${a.patient.replace('Patient/', 'patients/')}`} size="sm">
                          {patients.get(a.patient)}
                        </Anchor>
                      )}
                      <Text size="xs">{a.virtual ? t('calendar.video') : a.site}</Text>
                      <Badge size="xs" variant="light" color={a.status === 'pending' ? 'yellow' : 'blue'}>
                        {t(`status.${a.status}` as 'status.booked', { defaultValue: a.status })}
                      </Badge>
                    </Card>
                  ))}
                  {week.data && !days.has(dayKey(day)) && <Text size="xs">{t('calendar.empty')}</Text>}
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
          {(practitioner === own || session?.roles.some((r) => r === 'supervisor' || r === 'administrator')) && (
            <CalendarFeed practitioner={practitioner} />
          )}
        </>
      )}
    </Stack>
  );
}
