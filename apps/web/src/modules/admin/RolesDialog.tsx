import { Button, Group, Modal, Stack } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api.ts';
import type { AdminUser } from './model.ts';
import { asApiError } from './queries.ts';
import { RoleChecks } from './RoleChecks.tsx';

/** Replacing an account's roles (PUT /admin/users/:username/roles); they must still fit its linked record. */
export function RolesDialog({
  user,
  onClose,
  onChanged,
}: {
  user: AdminUser | undefined;
  onClose(): void;
  onChanged(user: AdminUser): void;
}) {
  const { t } = useTranslation('admin');
  const [roles, setRoles] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setRoles([...(user?.roles ?? [])]);
    setError(undefined);
  }, [user]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!user) return;
    if (roles.length === 0) return setError(new ApiError(t('form.rolesRequired'), 0, 'roles'));
    setBusy(true);
    setError(undefined);
    try {
      const changed = await api<AdminUser>('PUT', `/admin/users/${encodeURIComponent(user.username)}/roles`, { roles });
      onChanged(changed);
      onClose();
    } catch (err) {
      setError(asApiError(err, t('failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={user !== undefined}
      onClose={onClose}
      title={t('rolesDialog.title', { username: user?.username ?? '' })}
      centered
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      <form onSubmit={submit}>
        <Stack>
          {/* Every refusal here is about the roles (a mix of kinds of person, one that needs another record). */}
          <RoleChecks value={roles} onChange={setRoles} error={error?.message} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={busy} data-autofocus>
              {t('rolesDialog.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
