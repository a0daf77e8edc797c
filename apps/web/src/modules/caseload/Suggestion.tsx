import { Alert, Button, Checkbox, Group, List, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from '../../components/Notice.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { formatNumber } from '../../lib/format.ts';
import { locale } from '../../lib/i18n.ts';
import { acceptBody, languageName, type Move, moveReasons, type Suggestion as Suggested } from './model.ts';

type Names = Readonly<{ coordinator(reference: string): string; patient(reference: string): string }>;

/** Why a move is suggested, in the reader's words. */
function Reasons({ move, average, names }: { move: Move; average: number; names: Names }) {
  const { t } = useTranslation('caseload');
  return (
    <List size="sm">
      {moveReasons(move, average).map((r) => (
        <List.Item key={r.key}>
          {r.key === 'above'
            ? t('suggestion.above', {
                from: names.coordinator(r.from),
                points: formatNumber(r.points),
                average: formatNumber(r.average),
              })
            : r.key === 'knows'
              ? t('suggestion.knows', { to: names.coordinator(r.to) })
              : t('suggestion.speaks', { to: names.coordinator(r.to), language: languageName(r.language, locale()) })}
        </List.Item>
      ))}
    </List>
  );
}

/**
 * The rebalancing suggestion: each move (who, from whom to whom, why), all included at first; the supervisor may
 * leave some out and accepts the rest in one step, all or nothing. A suggestion overtaken by someone else's change
 * is refused by the server (409): a new one is fetched and said so.
 */
export function Suggestion({
  organization,
  suggestion,
  names,
}: {
  organization: string;
  suggestion: Suggested;
  names: Names;
}) {
  const { t } = useTranslation('caseload');
  const queryClient = useQueryClient();
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<number | undefined>();
  const chosen = suggestion.moves.filter((m) => !excluded.has(m.patient));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['caseload', organization] });
  const accept = useMutation({
    mutationFn: (moves: readonly Move[]) =>
      api('POST', `/fhir/R4/${organization}/$rebalance`, acceptBody(moves)).then(() => moves.length),
    onMutate: () => setDone(undefined),
    // The result is told once the table shows the new loads.
    onSuccess: async (count) => {
      await refresh();
      setDone(count);
      setExcluded(new Set());
    },
    onError: () => refresh(),
  });
  const toggle = (patient: string, include: boolean) =>
    setExcluded((s) => {
      const next = new Set(s);
      if (include) next.delete(patient);
      else next.add(patient);
      return next;
    });
  const failure = accept.error;
  const overTarget = suggestion.loads.some((l) => l.score > suggestion.target);

  return (
    <Stack>
      {done !== undefined && (
        <Notice onClose={() => setDone(undefined)}>{t('suggestion.moved', { count: done })}</Notice>
      )}
      {suggestion.moves.length === 0 ? (
        overTarget ? (
          <Alert color="yellow" title={t('suggestion.stuckTitle')}>
            {t('suggestion.stuck')}
          </Alert>
        ) : (
          <Alert color="gray" title={t('suggestion.balancedTitle')}>
            {t('suggestion.balanced')}
          </Alert>
        )
      ) : (
        <>
          <Text>{t('suggestion.intro', { count: suggestion.moves.length })}</Text>
          <Table aria-label={t('suggestion.caption')} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Checkbox
                    aria-label={t('suggestion.includeAll')}
                    checked={excluded.size === 0}
                    indeterminate={excluded.size > 0 && chosen.length > 0}
                    onChange={(e) =>
                      setExcluded(e.currentTarget.checked ? new Set() : new Set(suggestion.moves.map((m) => m.patient)))
                    }
                  />
                </Table.Th>
                <Table.Th>{t('suggestion.patient')}</Table.Th>
                <Table.Th>{t('suggestion.move')}</Table.Th>
                <Table.Th>{t('suggestion.points')}</Table.Th>
                <Table.Th>{t('suggestion.why')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {suggestion.moves.map((m) => (
                <Table.Tr key={m.patient} data-testid="move" data-from={m.from} data-to={m.to}>
                  <Table.Td>
                    <Checkbox
                      aria-label={t('suggestion.includeOne', { patient: names.patient(m.patient) })}
                      checked={!excluded.has(m.patient)}
                      onChange={(e) => toggle(m.patient, e.currentTarget.checked)}
                    />
                  </Table.Td>
                  <Table.Td>{names.patient(m.patient)}</Table.Td>
                  <Table.Td>
                    {t('suggestion.fromTo', { from: names.coordinator(m.from), to: names.coordinator(m.to) })}
                  </Table.Td>
                  <Table.Td>{formatNumber(m.load)}</Table.Td>
                  <Table.Td>
                    <Reasons move={m} average={suggestion.average} names={names} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {failure && (
            <Alert color="red" role="alert" title={t('suggestion.failed')}>
              {failure instanceof ApiError && failure.status === 409
                ? t('suggestion.stale')
                : failure instanceof ApiError
                  ? failure.message
                  : t('suggestion.failed')}
            </Alert>
          )}
          <Group>
            <Button onClick={() => accept.mutate(chosen)} loading={accept.isPending} disabled={chosen.length === 0}>
              {t('suggestion.accept', { count: chosen.length })}
            </Button>
            {chosen.length === 0 && <Text size="sm">{t('suggestion.noneChosen')}</Text>}
          </Group>
        </>
      )}
    </Stack>
  );
}
