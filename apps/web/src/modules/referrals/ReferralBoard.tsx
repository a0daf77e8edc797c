import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { formatDateTime, fromNow } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import { COLUMNS, OFFER_TOKEN, type Offer, offerOf } from './model.ts';

/** The referral board: every offer one may see, by where it stands, stalled ones marked; the receiver answers here. */
export function ReferralBoard() {
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
            <Link to={`/patients/${o.patient.slice(8)}`}>{patients?.get(o.patient) ?? 'Patient'}</Link>
          ) : (
            'Patient'
          )}
        </Text>
        <Badge variant="light">{o.stage}</Badge>
      </Group>
      <Text size="sm">To {receivers?.get(o.receiver) ?? o.receiver}</Text>
      {o.due && (
        <Text size="sm" c={o.stalled ? 'red.9' : undefined} fw={o.stalled ? 700 : undefined}>
          {o.stalled ? `Stalled: was due ${fromNow(o.due)}` : `Next step due ${fromNow(o.due)}`}
        </Text>
      )}
      {o.reason && <Text size="sm">Reason: {o.reason}</Text>}
      <details>
        <summary>History</summary>
        <ul>
          {o.history.map((h) => (
            <li key={`${h.stage}-${h.at}`}>
              {h.stage}: {formatDateTime(h.at)}
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
            <Textarea name="reason" label="Why you decline" required autosize mt="xs" />
            <Group mt="xs">
              <Button type="submit" size="compact-sm" color="red">
                Decline
              </Button>
              <Button size="compact-sm" variant="default" onClick={() => setDeclining(undefined)}>
                Keep it
              </Button>
            </Group>
          </form>
        ) : (
          <Group mt="xs" gap="xs">
            <Button size="compact-sm" onClick={() => step.mutate({ offer: o.id, stage: 'accepted' })}>
              Accept
            </Button>
            <Button size="compact-sm" variant="default" onClick={() => setDeclining(o.id)}>
              Decline…
            </Button>
          </Group>
        ))}
      {o.stage === 'report-received' && !mine(o) && (
        <Button size="compact-sm" mt="xs" onClick={() => step.mutate({ offer: o.id, stage: 'closed' })}>
          Close the loop
        </Button>
      )}
    </Card>
  );

  return (
    <Stack>
      <Title order={1} size="h2">
        Referrals
      </Title>
      {step.error && (
        <Alert color="red" role="alert">
          {step.error instanceof ApiError ? step.error.message : 'That did not work.'}
        </Alert>
      )}
      {offers.isPending && <Loader aria-label="Loading referrals" />}
      {offers.error && <Alert color="red">{(offers.error as Error).message}</Alert>}
      {offers.data && offers.data.length === 0 && (
        <Alert color="gray">No referrals yet. Refer a patient from their chart.</Alert>
      )}
      {offers.data && offers.data.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
          {COLUMNS.map((c) => {
            const inColumn = offers.data.filter((o) => (c.stages as readonly string[]).includes(o.stage));
            return (
              <Stack key={c.title} gap="xs" component="section" aria-label={c.title}>
                <Title order={2} size="h5">
                  {c.title} ({inColumn.length})
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
