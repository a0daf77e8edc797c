import { Badge, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import type { AuditRow } from './model.ts';

/** Resources an event touched that are listed at once; the rest (a whole chart's, say) fold away. */
const SHOWN = 3;

const Refs = ({ refs }: { refs: readonly string[] }) =>
  refs.map((e) => (
    <Text key={e} size="xs">
      {e}
    </Text>
  ));

/** One page of audit records: when, who, the action in words, what it touched, whose data, and how it ended. */
export function AuditTable({ rows }: { rows: readonly AuditRow[] }) {
  const { t } = useTranslation('admin');
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" striped aria-label={t('audit.caption')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.when')}</Table.Th>
            <Table.Th>{t('audit.who')}</Table.Th>
            <Table.Th>{t('audit.actionColumn')}</Table.Th>
            <Table.Th>{t('audit.what')}</Table.Th>
            <Table.Th>{t('audit.patientColumn')}</Table.Th>
            <Table.Th>{t('audit.outcome')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id} data-testid="audit-row">
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.recorded)}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.who || '—'}
                </Text>
                {r.whoReference && r.whoReference !== r.who && <Text size="xs">{r.whoReference}</Text>}
              </Table.Td>
              <Table.Td>{r.action ? t(`action.${r.action}`) : '—'}</Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Text size="sm">
                    {r.subtype ? t(`subtype.${r.subtype}`) : ''}
                    {r.detail ? ` ${r.detail}` : ''}
                  </Text>
                  <Refs refs={r.entities.slice(0, SHOWN)} />
                  {r.entities.length > SHOWN && (
                    <details>
                      <summary>
                        <Text span size="xs">
                          {t('audit.more', { count: r.entities.length - SHOWN })}
                        </Text>
                      </summary>
                      <Refs refs={r.entities.slice(SHOWN)} />
                    </details>
                  )}
                  {r.emergency && (
                    <Badge color="red" variant="outline" tt="none">
                      {t('audit.emergency')}
                    </Badge>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                {r.patients.length === 0
                  ? '—'
                  : r.patients.map((p) => (
                      <Text key={p} size="sm">
                        {p}
                      </Text>
                    ))}
              </Table.Td>
              <Table.Td>
                <Text
                  size="sm"
                  c={r.outcome === 'success' ? undefined : 'red.9'}
                  fw={r.outcome === 'success' ? 400 : 600}
                >
                  {t(`outcome.${r.outcome}`)}
                </Text>
                {r.outcomeDesc && <Text size="xs">{r.outcomeDesc}</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
