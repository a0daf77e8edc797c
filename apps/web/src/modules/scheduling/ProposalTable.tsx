import { Button, List, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import type { Proposal } from './model.ts';

/** `$find`'s times, best first: when, with whom, where, why each ranks where it does, and the button to take it. */
export function ProposalTable({
  proposals,
  action,
  busy,
  onChoose,
}: {
  proposals: readonly Proposal[];
  action: string;
  busy: Proposal | undefined;
  onChoose(p: Proposal): void;
}) {
  const { t } = useTranslation('scheduling');
  const names = useNames(
    'Practitioner',
    proposals.map((p) => p.practitioner),
  );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label={t('book.results')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('book.when')}</Table.Th>
            <Table.Th>{t('book.with')}</Table.Th>
            <Table.Th>{t('book.where')}</Table.Th>
            <Table.Th>{t('book.why')}</Table.Th>
            <Table.Th>{t('book.action')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {proposals.map((p) => (
            <Table.Tr key={p.key} data-testid="proposal">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.start)}</Table.Td>
              <Table.Td>
                {(p.practitioner && names?.get(p.practitioner)) ?? t('book.practitioner')}
                {p.interpreter && <Text size="sm">{t('book.interpreter')}</Text>}
              </Table.Td>
              <Table.Td>{p.site ?? t('book.videoPlace')}</Table.Td>
              <Table.Td>
                {/* The reasons are the server's words (docs/scheduling.md), shown as they come. */}
                <List size="xs">
                  {p.reasons.map((r) => (
                    <List.Item key={r}>{r}</List.Item>
                  ))}
                </List>
              </Table.Td>
              <Table.Td>
                <Button size="compact-sm" loading={busy === p} onClick={() => onChoose(p)}>
                  {action}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
