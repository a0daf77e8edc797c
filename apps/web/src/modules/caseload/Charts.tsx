import { BarChart, LineChart } from '@mantine/charts';
import { Box, Paper, SimpleGrid, Text, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDay, formatNumber } from '../../lib/format.ts';
import { locale } from '../../lib/i18n.ts';
import {
  type Activity,
  formatWait,
  longestWait,
  overdueSeries,
  overdueSummary,
  queueAgeSeries,
  waitUnit,
} from './model.ts';

// Distinct hues at shades dark enough to stand out on white; past eight coordinators the lines are also dashed, so
// colour is never the only difference.
const COLORS = ['blue.8', 'orange.8', 'teal.8', 'grape.8', 'red.8', 'cyan.9', 'lime.9', 'indigo.5'];

/**
 * A chart with its text alternative: the caption says what it shows and what stands out; a table that is visually
 * hidden carries every figure for screen readers. The drawing itself is hidden from them (SVG reads as noise).
 */
function Figure({
  title,
  summary,
  table,
  children,
}: {
  title: string;
  summary: string;
  table: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="figure" m={0}>
      <Box component="figcaption" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        <Text size="sm">{summary}</Text>
      </Box>
      <div aria-hidden="true" data-testid="chart">
        {children}
      </div>
      <VisuallyHidden>{table}</VisuallyHidden>
    </Paper>
  );
}

/** Queue age (median and oldest open task, per coordinator) and the overdue trend, each with its text alternative. */
export function Charts({ activity, name }: { activity: readonly Activity[]; name(reference: string): string }) {
  const { t } = useTranslation('caseload');
  const unit = waitUnit(activity);
  const ages = queueAgeSeries(activity, name, unit);
  const ageTitle = t(unit === 'day' ? 'charts.queueAgeDays' : 'charts.queueAgeHours');
  const trend = overdueSeries(activity, name);
  const summary = overdueSummary(activity);
  const wait = longestWait(activity);
  const days = trend.data.length;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Figure
        title={ageTitle}
        summary={
          wait
            ? t('charts.queueAgeSummary', { wait: formatWait(wait.hours, locale()), name: name(wait.coordinator) })
            : t('charts.queueAgeEmpty')
        }
        table={
          <table>
            <caption>{ageTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t('charts.coordinator')}</th>
                <th scope="col">{t('charts.median')}</th>
                <th scope="col">{t('charts.oldest')}</th>
              </tr>
            </thead>
            <tbody>
              {activity.map((a) => (
                <tr key={a.coordinator}>
                  <th scope="row">{name(a.coordinator)}</th>
                  <td>{formatWait(a.queueAgeMedianHours, locale())}</td>
                  <td>{formatWait(a.queueAgeMaxHours, locale())}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <BarChart
          h={Math.max(200, ages.length * 44)}
          data={ages}
          dataKey="coordinator"
          orientation="vertical"
          yAxisProps={{ width: 150 }}
          series={[
            { name: 'median', label: t('charts.median'), color: 'blue.8' },
            { name: 'oldest', label: t('charts.oldest'), color: 'orange.8' },
          ]}
          valueFormatter={formatNumber}
          withLegend
          accessibilityLayer={false}
        />
      </Figure>
      <Figure
        title={t('charts.overdue', { count: days })}
        summary={[
          t('charts.overdueSummary', {
            first: summary.first,
            from: formatDay(summary.from),
            last: summary.last,
            to: formatDay(summary.to),
          }),
          summary.worst
            ? t('charts.overdueWorst', { name: name(summary.worst.coordinator), count: summary.worst.count })
            : '',
        ].join(' ')}
        table={
          <table>
            <caption>{t('charts.overdue', { count: days })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('charts.day')}</th>
                {trend.series.map((s) => (
                  <th key={s.key} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {trend.data.map((row) => (
                <tr key={row.day}>
                  <th scope="row">{formatDay(String(row.day))}</th>
                  {trend.series.map((s) => (
                    <td key={s.key}>{row[s.key]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <LineChart
          h={300}
          data={trend.data}
          dataKey="day"
          xAxisProps={{ tickFormatter: (d: string) => formatDay(d) }}
          series={trend.series.map((s, i) => ({
            name: s.key,
            label: s.label,
            color: COLORS[i % COLORS.length] as string,
            ...(i >= COLORS.length ? { strokeDasharray: '5 5' } : {}),
          }))}
          curveType="linear"
          withLegend
          legendProps={{ verticalAlign: 'bottom' }}
          accessibilityLayer={false}
        />
      </Figure>
    </SimpleGrid>
  );
}
