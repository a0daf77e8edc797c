import { Alert, Button, Group, Loader, Stack, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { displayName, type Named as PatientSummary } from '../../lib/names.ts';

/** Finding a patient by name among those one may see (the store decides), to open their chart. */
export function PatientSearch() {
  const { t } = useTranslation('patients');
  const [name, setName] = useState('');
  const found = useQuery({
    queryKey: ['patient-search', name],
    enabled: name.length >= 2,
    queryFn: async () =>
      (
        await api<{ entry?: { resource: PatientSummary }[] }>(
          'GET',
          `/fhir/R4/Patient?name=${encodeURIComponent(name)}&_count=25&_elements=name,birthDate&_sort=family`,
        )
      ).entry?.map((e) => e.resource) ?? [],
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setName(String(new FormData(e.currentTarget).get('name') ?? '').trim());
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('search.title')}
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput name="name" label={t('search.name')} description={t('search.nameHint')} />
          <Button type="submit">{t('search.search')}</Button>
        </Group>
      </form>
      {found.isFetching && <Loader aria-label={t('search.searching')} />}
      {found.error && <Alert color="red">{(found.error as Error).message}</Alert>}
      {found.data && found.data.length === 0 && <Alert color="gray">{t('search.none')}</Alert>}
      {found.data && found.data.length > 0 && (
        <Table aria-label={t('search.found')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('search.name')}</Table.Th>
              <Table.Th>{t('search.born')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Link to={`/patients/${p.id}`}>{displayName(p)}</Link>
                </Table.Td>
                <Table.Td>{formatDate(p.birthDate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
