import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format.ts';
import { locale } from '../../lib/i18n.ts';
import { formatWait, type Load, type TeamRow } from './model.ts';

/** What a load score is made of, in words: risk points, open and overdue tasks, interpreters, transitions. */
function MadeOf({ load }: { load: Load }) {
  const { t } = useTranslation('caseload');
  const parts = [
    load.riskPoints > 0 && t('load.risk', { points: formatNumber(load.riskPoints) }),
    t('load.openTasks', { count: load.openTasks }),
    load.overdueTasks > 0 && t('load.overdueTasks', { count: load.overdueTasks }),
    load.needsInterpreter > 0 && t('load.interpreter', { count: load.needsInterpreter }),
    load.inTransition > 0 && t('load.transition', { count: load.inTransition }),
  ].filter(Boolean);
  return <Text size="sm">{parts.join(' · ')}</Text>;
}

/**
 * Each coordinator's load score with what it is made of and where the suggestion would take it, beside the work they
 * own (`$supervision`): open and overdue tasks, queue age, after-hours changes. Rows over the team's target are
 * marked in words as well as colour.
 */
export function TeamTable({
  rows,
  name,
  activityState,
}: {
  rows: readonly TeamRow[];
  name(reference: string): string;
  activityState: 'pending' | 'error' | 'success';
}) {
  const { t } = useTranslation('caseload');
  const activity = (row: TeamRow, show: (a: NonNullable<TeamRow['activity']>) => string) =>
    row.activity ? show(row.activity) : activityState === 'pending' ? t('load.pending') : t('load.unknown');
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table aria-label={t('load.caption')} verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('load.coordinator')}</Table.Th>
            <Table.Th>{t('load.patients')}</Table.Th>
            <Table.Th>{t('load.score')}</Table.Th>
            <Table.Th>{t('load.madeOf')}</Table.Th>
            <Table.Th>{t('load.after')}</Table.Th>
            <Table.Th>{t('load.owned')}</Table.Th>
            <Table.Th>{t('load.queueAge')}</Table.Th>
            <Table.Th>{t('load.afterHours')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr
              key={row.load.coordinator}
              data-testid="coordinator-load"
              data-coordinator={row.load.coordinator}
              style={row.over ? { background: 'var(--mantine-color-red-light)' } : undefined}
            >
              <Table.Th scope="row" fw={600}>
                {name(row.load.coordinator)}
              </Table.Th>
              <Table.Td data-testid="patients">{row.load.patients}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text span fw={row.over ? 700 : undefined} data-testid="score">
                  {formatNumber(row.load.score)}
                </Text>
                {row.over && (
                  <Text size="xs" fw={700} c="red.9">
                    {t('load.overTarget')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <MadeOf load={row.load} />
              </Table.Td>
              <Table.Td>{row.after ? formatNumber(row.after.score) : ''}</Table.Td>
              <Table.Td>
                {activity(row, (a) => t('load.ownedWork', { open: a.openTasks, overdue: a.overdueNow }))}
              </Table.Td>
              <Table.Td>
                {activity(row, (a) =>
                  t('load.age', {
                    median: formatWait(a.queueAgeMedianHours, locale()),
                    oldest: formatWait(a.queueAgeMaxHours, locale()),
                  }),
                )}
              </Table.Td>
              <Table.Td>
                {activity(row, (a) => t('load.afterHoursOf', { afterHours: a.afterHoursChanges, changes: a.changes }))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
