import { Alert, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Failure } from '../../components/Failure.tsx';
import { Notice } from '../../components/Notice.tsx';
import { api } from '../../lib/api.ts';
import { type AdminUser, mfaState, type Role } from './model.ts';
import { NewUserDialog } from './NewUserDialog.tsx';
import { asApiError, useUsers } from './queries.ts';
import { RolesDialog } from './RolesDialog.tsx';

const MFA_TEXT = {
  enrolled: 'users.mfaEnrolled',
  pending: 'users.mfaPending',
  notRequired: 'users.mfaNotRequired',
} as const;

/** Users and roles: every account, creating one, changing its roles, deactivating and reactivating it. */
export function UsersPage() {
  const { t } = useTranslation('admin');
  const queryClient = useQueryClient();
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<AdminUser | undefined>();
  const [deactivating, setDeactivating] = useState<AdminUser | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin-users'] });

  const toggle = useMutation({
    mutationFn: ({ user, to }: { user: AdminUser; to: 'deactivate' | 'activate' }) =>
      api<AdminUser & { sessionsRevoked?: number }>('POST', `/admin/users/${encodeURIComponent(user.username)}/${to}`),
    onSuccess: (changed, { to }) => {
      setDeactivating(undefined);
      setNotice(
        to === 'activate'
          ? t('users.reactivated', { username: changed.username })
          : t('users.deactivated', { username: changed.username, count: changed.sessionsRevoked ?? 0 }),
      );
    },
    onSettled: refresh,
  });
  const done = (text: string) => {
    setNotice(text);
    void refresh();
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('users.title')}
        </Title>
        <Button onClick={() => setCreating(true)}>{t('users.newUser')}</Button>
      </Group>
      {notice && <Notice onClose={() => setNotice(undefined)}>{notice}</Notice>}
      {toggle.error && !deactivating && (
        <Alert color="red" role="alert">
          {asApiError(toggle.error, t('failed')).message}
        </Alert>
      )}
      {users.isPending && <Loader aria-label={t('users.loading')} />}
      <Failure error={users.error} />
      {users.data?.length === 0 && <Alert color="gray">{t('users.empty')}</Alert>}
      {users.data && users.data.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" highlightOnHover aria-label={t('users.caption')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('users.username')}</Table.Th>
                <Table.Th>{t('users.displayName')}</Table.Th>
                <Table.Th>{t('users.roles')}</Table.Th>
                <Table.Th>{t('users.reference')}</Table.Th>
                <Table.Th>{t('users.status')}</Table.Th>
                <Table.Th>{t('users.mfa')}</Table.Th>
                <Table.Th>{t('users.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => (
                <Table.Tr key={u.username} data-testid="admin-user">
                  <Table.Td>
                    <Text fw={600}>{u.username}</Text>
                  </Table.Td>
                  <Table.Td>{u.displayName ?? '—'}</Table.Td>
                  <Table.Td>{u.roles.map((r) => t(`role.${r as Role}`, { defaultValue: r })).join(', ')}</Table.Td>
                  <Table.Td>{u.fhirReference ?? t('users.notLinked')}</Table.Td>
                  <Table.Td>
                    {u.active ? (
                      t('users.active')
                    ) : (
                      <Text span c="red.9" fw={600}>
                        {t('users.inactive')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{t(MFA_TEXT[mfaState(u)])}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={t('users.changeRolesOf', { username: u.username })}
                        onClick={() => setEditing(u)}
                      >
                        {t('users.changeRoles')}
                      </Button>
                      {u.active ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={t('users.deactivateUser', { username: u.username })}
                          onClick={() => {
                            toggle.reset();
                            setDeactivating(u);
                          }}
                        >
                          {t('users.deactivate')}
                        </Button>
                      ) : (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          aria-label={t('users.reactivateUser', { username: u.username })}
                          loading={toggle.isPending && toggle.variables?.user.username === u.username}
                          onClick={() => toggle.mutate({ user: u, to: 'activate' })}
                        >
                          {t('users.reactivate')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <NewUserDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(u) => done(t('users.created', { username: u.username }))}
      />
      <RolesDialog
        user={editing}
        onClose={() => setEditing(undefined)}
        onChanged={(u) => done(t('users.rolesChanged', { username: u.username }))}
      />
      <Modal
        opened={deactivating !== undefined}
        onClose={() => setDeactivating(undefined)}
        title={t('deactivateDialog.title', { username: deactivating?.username ?? '' })}
        centered
        closeButtonProps={{ 'aria-label': t('close') }}
      >
        <Stack>
          <Text>{t('deactivateDialog.body')}</Text>
          <Failure error={toggle.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeactivating(undefined)} data-autofocus>
              {t('cancel')}
            </Button>
            <Button
              color="red"
              loading={toggle.isPending}
              onClick={() => deactivating && toggle.mutate({ user: deactivating, to: 'deactivate' })}
            >
              {t('deactivateDialog.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
