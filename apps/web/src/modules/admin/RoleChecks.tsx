import { Checkbox, SimpleGrid } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ROLES } from './model.ts';

/** The roles as a labelled group of checkboxes: an account may hold several of one kind of person. */
export function RoleChecks({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange(roles: string[]): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation('admin');
  return (
    <Checkbox.Group label={t('form.roles')} value={value} onChange={onChange} error={error} withAsterisk>
      <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs" spacing="xs">
        {ROLES.map((r) => (
          <Checkbox key={r} value={r} label={t(`role.${r}`)} />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  );
}
