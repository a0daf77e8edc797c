import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Failure } from '../../components/Failure.tsx';
import { api } from '../../lib/api.ts';
import { AuditFilterForm } from './AuditFilterForm.tsx';
import { AuditTable } from './AuditTable.tsx';
import {
  type AuditBundle,
  auditPath,
  auditRows,
  disclosuresPath,
  filtersFrom,
  PAGE_SIZE,
  pageOf,
  paramsFor,
} from './model.ts';
import { useUsers } from './queries.ts';

/** The audit log: who did what to whose data, newest first, a page at a time. Searching it is itself audited. */
export function AuditPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // The same address gives the same filters object, so the form keeps what is being typed until a new search.
  const { filters, offset } = useMemo(() => filtersFrom(new URLSearchParams(key)), [key]);
  const users = useUsers();
  const search = useQuery({
    queryKey: ['admin-audit', key],
    queryFn: async () => {
      const bundle = await api<AuditBundle>('GET', auditPath(filters, offset));
      return { rows: auditRows(bundle), total: bundle.total ?? 0 };
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const page = search.data ? pageOf(offset, search.data.rows.length, search.data.total) : undefined;
  const go = (to: number) => setParams(paramsFor(filters, to));
  const disclosures = disclosuresPath(filters);

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('audit.title')}
      </Title>
      <AuditFilterForm value={filters} users={users.data ?? []} onSearch={(f) => setParams(paramsFor(f))} />
      {disclosures && (
        <Group>
          {/* The server sends it as an attachment; the session cookie authenticates the download. */}
          <Button component="a" href={disclosures} download variant="default">
            {t('audit.disclosures')}
          </Button>
          <Text size="sm">{t('audit.disclosuresHelp')}</Text>
        </Group>
      )}
      {search.isFetching && <Loader aria-label={t('audit.loading')} size="sm" />}
      <Failure error={search.error} />
      {search.data && !search.isPlaceholderData && search.data.rows.length === 0 && (
        <Alert color="gray" role="status">
          {t('audit.empty')}
        </Alert>
      )}
      {search.data && search.data.rows.length > 0 && page && (
        <>
          <Text role="status">
            {t('audit.count', { count: search.data.total })} ·{' '}
            {t('audit.range', { first: page.first, last: page.last, total: search.data.total })}
          </Text>
          <AuditTable rows={search.data.rows} />
          <Group component="nav" aria-label={t('audit.paging')}>
            <Button variant="default" disabled={page.newer === undefined} onClick={() => go(page.newer ?? 0)}>
              {t('audit.newer')}
            </Button>
            <Button
              variant="default"
              disabled={page.older === undefined}
              onClick={() => go(page.older ?? offset + PAGE_SIZE)}
            >
              {t('audit.older')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
