import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Loader,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Failure } from '../../components/Failure.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { useServices } from '../../lib/names.ts';
import { referralsMessages } from './messages.ts';
import { packetItems, specialties } from './model.ts';

type Found = {
  entry?: {
    resource: {
      resourceType: string;
      id: string;
      name?: string;
      practitioner?: { display?: string };
      organization?: { display?: string };
    };
    search?: { extension?: { url: string; valueString?: string; valueCode?: string }[] };
  }[];
};
const CHANNEL = 'https://careloop.dev/fhir/StructureDefinition/referral-channel';
type Channel = keyof typeof referralsMessages.en.channel;
const isChannel = (c: string): c is Channel => Object.hasOwn(referralsMessages.en.channel, c);
const URGENCIES = ['routine', 'urgent', 'asap', 'stat'] as const;

/** Creating a referral: why, how urgent, what goes in the packet, and to whom — one receiver after another or at once. */
export function ReferPage() {
  const { t } = useTranslation('referrals');
  const { id = '' } = useParams();
  const [specialty, setSpecialty] = useState<string | null>(null);
  const [packet, setPacket] = useState<string[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [strategy, setStrategy] = useState('sequential');
  const [searched, setSearched] = useState<string | undefined>();

  const everything = useQuery({
    queryKey: ['everything', id],
    queryFn: () => api<{ entry?: { resource?: never }[] }>('GET', `/fhir/R4/Patient/${id}/$everything?_count=1000`),
  });
  const services = useServices<never>();
  const receivers = useQuery({
    queryKey: ['receivers', searched],
    enabled: searched !== undefined,
    queryFn: () =>
      api<Found>(
        'GET',
        `/fhir/R4/ServiceRequest/$receivers?specialty=${encodeURIComponent(searched ?? '')}&patient=Patient/${id}&_count=10`,
      ),
  });
  const refer = useMutation({
    mutationFn: (form: { reason: string; urgency: string; note: string }) =>
      api<{ entry?: { resource: { resourceType: string } }[] }>('POST', '/fhir/R4/ServiceRequest/$refer', {
        resourceType: 'Parameters',
        parameter: [
          { name: 'patient', valueReference: { reference: `Patient/${id}` } },
          { name: 'reason', valueString: form.reason },
          { name: 'urgency', valueCode: form.urgency },
          { name: 'specialty', valueString: specialty },
          ...(form.note ? [{ name: 'note', valueString: form.note }] : []),
          { name: 'strategy', valueCode: strategy },
          ...packet.map((reference) => ({ name: 'packet', valueReference: { reference } })),
          ...chosen.map((reference) => ({ name: 'receiver', valueReference: { reference } })),
        ],
      }),
  });

  if (refer.data)
    return (
      <Alert color="green" title={t('refer.sent')} role="status">
        <Text>
          {t(strategy === 'parallel' ? 'refer.offeredAtOnce' : 'refer.offeredInTurn', { count: chosen.length })}
        </Text>
        <Group mt="xs">
          <Link to="/referrals">{t('refer.openBoard')}</Link>
          <Link to={`/patients/${id}`}>{t('refer.backToPatient')}</Link>
        </Group>
      </Alert>
    );

  const items = everything.data ? packetItems(everything.data) : [];
  const groups = [...new Set(items.map((i) => i.group))];
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    refer.mutate({
      reason: String(data.get('reason') ?? ''),
      urgency: String(data.get('urgency') ?? 'routine'),
      note: String(data.get('note') ?? ''),
    });
  };
  const error = refer.error instanceof ApiError ? refer.error : undefined;
  return (
    <form onSubmit={submit}>
      <Stack>
        <Title order={1} size="h2">
          {t('refer.title')}
        </Title>
        <Card withBorder>
          <Stack>
            <Select
              label={t('refer.specialty')}
              data={services.data ? specialties(services.data) : []}
              placeholder={services.isPending ? t('refer.loading') : t('refer.chooseSpecialty')}
              value={specialty}
              onChange={(v) => {
                setSpecialty(v);
                setChosen([]);
              }}
              searchable
              required
              error={error?.field === 'specialty' ? error.message : undefined}
            />
            <Textarea
              name="reason"
              label={t('refer.reason')}
              required
              autosize
              minRows={2}
              error={error?.field === 'reason' ? error.message : undefined}
            />
            <Select
              name="urgency"
              label={t('refer.urgency')}
              data={URGENCIES.map((u) => ({ value: u, label: t(`urgency.${u}`) }))}
              defaultValue="routine"
              allowDeselect={false}
            />
            <Textarea name="note" label={t('refer.note')} autosize />
          </Stack>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('refer.packet')}
          </Title>
          {everything.isPending && <Loader size="sm" aria-label={t('refer.loadingChart')} />}
          {everything.data && items.length === 0 && <Text>{t('refer.packetEmpty')}</Text>}
          <Checkbox.Group value={packet} onChange={setPacket} label={t('refer.include')}>
            <Stack gap="xs">
              {groups.map((g) => (
                <div key={g}>
                  <Text fw={600}>{t(`packet.${g}`)}</Text>
                  {items
                    .filter((i) => i.group === g)
                    .map((i) => (
                      <Checkbox
                        key={i.reference}
                        value={i.reference}
                        label={i.label ?? t('packet.untitledDocument')}
                        mt={4}
                      />
                    ))}
                </div>
              ))}
            </Stack>
          </Checkbox.Group>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            {t('refer.receivers')}
          </Title>
          <Group>
            <Button variant="light" disabled={!specialty} onClick={() => specialty && setSearched(specialty)}>
              {t('refer.findReceivers')}
            </Button>
          </Group>
          {receivers.isFetching && <Loader size="sm" aria-label={t('refer.finding')} />}
          {receivers.data && (receivers.data.entry?.length ?? 0) === 0 && <Text mt="xs">{t('refer.noReceivers')}</Text>}
          {receivers.data?.entry?.length ? (
            <Checkbox.Group value={chosen} onChange={setChosen} label={t('refer.preference')} mt="xs">
              <Stack gap="xs" mt="xs">
                {receivers.data.entry.map((e) => {
                  const r = e.resource;
                  const ref = `${r.resourceType}/${r.id}`;
                  const channel = e.search?.extension?.find((x) => x.url === CHANNEL)?.valueCode ?? 'internal';
                  const name = r.practitioner?.display ?? r.name ?? r.organization?.display ?? ref;
                  const reasons = (e.search?.extension ?? []).flatMap((x) => (x.valueString ? [x.valueString] : []));
                  return (
                    <div key={ref} data-testid="receiver">
                      <Checkbox
                        value={ref}
                        label={`${name} — ${isChannel(channel) ? t(`channel.${channel}`) : channel}`}
                      />
                      {reasons.length > 0 && (
                        <List size="xs" ml="xl">
                          {reasons.map((x) => (
                            <List.Item key={x}>{x}</List.Item>
                          ))}
                        </List>
                      )}
                    </div>
                  );
                })}
              </Stack>
            </Checkbox.Group>
          ) : null}
          <Radio.Group value={strategy} onChange={setStrategy} label={t('refer.strategy')} mt="md">
            <Group mt="xs">
              <Radio value="sequential" label={t('refer.sequential')} />
              <Radio value="parallel" label={t('refer.parallel')} />
            </Group>
          </Radio.Group>
        </Card>
        <Failure error={refer.error} />
        <Group>
          <Button type="submit" loading={refer.isPending} disabled={chosen.length === 0 || !specialty}>
            {t('refer.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
