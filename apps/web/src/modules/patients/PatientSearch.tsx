import { Alert, Button, Group, Loader, Stack, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../lib/api.ts';
import { displayName, type Named as PatientSummary } from '../../lib/names.ts';

/** Finding a patient by name among those one may see (the store decides), to open their chart. */
export function PatientSearch() {
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
        Patients
      </Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput name="name" label="Name" description="At least two letters of a given or family name" />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {found.isFetching && <Loader aria-label="Searching" />}
      {found.error && <Alert color="red">{(found.error as Error).message}</Alert>}
      {found.data && found.data.length === 0 && <Alert color="gray">No patient you can see has that name.</Alert>}
      {found.data && found.data.length > 0 && (
        <Table aria-label="Patients found">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Born</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Link to={`/patients/${p.id}`}>{displayName(p)}</Link>
                </Table.Td>
                <Table.Td>{p.birthDate}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
