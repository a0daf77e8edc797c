import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth.tsx';
import { Failure } from '../../components/Failure.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime, fromNow } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import { referralsMessages } from './messages.ts';
import { COLUMNS, columnOf, OFFER_TOKEN, type Offer, offerOf, type Stage } from './model.ts';

const isStage = (s: string): s is Stage => Object.hasOwn(referralsMessages.en.stage, s);

/** The referral board: every offer one may see, by where it stands, stalled ones marked; the receiver answers here. */
export function ReferralBoard() {
  const { t } = useTranslation('referrals');
  const stage = (s: string) => (isStage(s) ? t(`stage.${s}`) : s);
  const queryClient = useQueryClient();
  const { session } = useAuth();
  const mine = (o: Offer) => !!session?.reference && o.owner === session.reference;
  const [declining, setDeclining] = useState<string | undefined>();
  const offers = useQuery({
    queryKey: ['referral-offers'],
    queryFn: async () => {
      const b = await api<{ entry?: { resource: never }[] }>(
        'GET',
        `/fhir/R4/Task?code=${encodeURIComponent(OFFER_TOKEN)}&_sort=-_lastUpdated&_count=200`,
      );
      const now = Date.now();
      return (b.entry ?? []).map((e) => offerOf(e.resource, now));
    },
  });
  const patients = useNames(
    'Patient',
    (offers.data ?? []).map((o) => o.patient),
  );
  const receivers = useNames(
    'Practitioner',
    (offers.data ?? []).map((o) => o.receiver),
  );
  const step = useMutation({
    mutationFn: ({ offer, stage, reason }: { offer: string; stage: string; reason?: string }) =>
      api('POST', `/fhir/R4/Task/${offer}/$advance`, {
        resourceType: 'Parameters',
        parameter: [{ name: 'stage', valueCode: stage }, ...(reason ? [{ name: 'reason', valueString: reason }] : [])],
      }),
    onSuccess: () => setDeclining(undefined),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['referral-offers'] }),
  });

  const card = (o: Offer) => (
    <Card
      key={o.id}
      withBorder
      padding="sm"
      data-testid="referral-offer"
      style={o.stalled ? { borderColor: 'var(--mantine-color-red-8)', borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" gap={4}>
        <Text fw={600}>
          {o.patient ? (
            <Link to={`/patients/${o.patient.slice(8)}`}>{patients?.get(o.patient) ?? t('board.patient')}</Link>
          ) : (
            t('board.patient')
          )}
        </Text>
        <Badge variant="light">{stage(o.stage)}</Badge>
      </Group>
      <Text size="sm">
        {t('board.to', {
          name: (o.receiver && receivers?.get(o.receiver)) ?? o.receiver ?? t('board.unknownReceiver'),
        })}
      </Text>
      {o.due && (
        <Text size="sm" c={o.stalled ? 'red.9' : undefined} fw={o.stalled ? 700 : undefined}>
          {t(o.stalled ? 'board.stalled' : 'board.nextDue', { when: fromNow(o.due) })}
        </Text>
      )}
      {o.reason && <Text size="sm">{t('board.reason', { reason: o.reason })}</Text>}
      <details>
        <summary>{t('board.history')}</summary>
        <ul>
          {o.history.map((h) => (
            <li key={`${h.stage}-${h.at}`}>
              {stage(h.stage)}: {formatDateTime(h.at)}
            </li>
          ))}
        </ul>
      </details>
      {(o.stage === 'sent' || o.stage === 'received') &&
        mine(o) &&
        (declining === o.id ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              step.mutate({
                offer: o.id,
                stage: 'declined',
                reason: String(new FormData(e.currentTarget).get('reason') ?? ''),
              });
            }}
          >
            <Textarea name="reason" label={t('board.declineReason')} required autosize mt="xs" />
            <Group mt="xs">
              <Button type="submit" size="compact-sm" color="red">
                {t('board.decline')}
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setDeclining(undefined)}>
                {t('board.keep')}
              </Button>
            </Group>
          </form>
        ) : (
          <Group mt="xs" gap="xs">
            <Button size="compact-sm" onClick={() => step.mutate({ offer: o.id, stage: 'accepted' })}>
              {t('board.accept')}
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => setDeclining(o.id)}>
              {t('board.startDecline')}
            </Button>
          </Group>
        ))}
      {o.stage === 'report-received' && !mine(o) && (
        <Button size="compact-sm" mt="xs" onClick={() => step.mutate({ offer: o.id, stage: 'closed' })}>
          {t('board.close')}
        </Button>
      )}
    </Card>
  );

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('board.title')}
      </Title>
      <Failure error={step.error} />
      {offers.isPending && <Loader aria-label={t('board.loading')} />}
      {offers.error && <Alert color="red">{(offers.error as Error).message}</Alert>}
      {offers.data && offers.data.length === 0 && <Alert color="gray">{t('board.empty')}</Alert>}
      {offers.data && offers.data.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
          {COLUMNS.map((c) => {
            const inColumn = offers.data.filter((o) => columnOf(o.stage) === c.key);
            return (
              <Stack key={c.key} gap="xs" component="section" aria-label={t(`column.${c.key}`)}>
                <Title order={2} size="h5">
                  {t(`column.${c.key}`)} ({inColumn.length})
                </Title>
                {inColumn.map(card)}
              </Stack>
            );
          })}
        </SimpleGrid>
      )}
    </Stack>
  );
}
