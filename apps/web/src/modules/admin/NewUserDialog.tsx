import { Alert, Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api.ts';
import { type AdminUser, newUserBody } from './model.ts';
import { asApiError } from './queries.ts';
import { RoleChecks } from './RoleChecks.tsx';
import { readableHint } from './styles.ts';

/** The fields the server may name in a refusal; anything else is shown above the buttons. */
const FIELDS = ['username', 'roles', 'displayName', 'email', 'fhirReference', 'password'] as const;

/** Creating an account: user name, roles, optional name, e-mail and linked record, and an initial password. */
export function NewUserDialog({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose(): void;
  onCreated(user: AdminUser): void;
}) {
  const { t } = useTranslation('admin');
  const [roles, setRoles] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setRoles([]);
    setError(undefined);
    onClose();
  };
  const at = (field: (typeof FIELDS)[number]) => (error?.field === field ? error.message : undefined);
  const elsewhere = error && !(FIELDS as readonly (string | undefined)[]).includes(error.field);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '');
    setError(undefined);
    // A group of checkboxes cannot be `required` in HTML: at least one role is checked here.
    if (roles.length === 0) return setError(new ApiError(t('form.rolesRequired'), 0, 'roles'));
    setBusy(true);
    try {
      const body = newUserBody({
        username: text('username'),
        roles,
        displayName: text('displayName'),
        email: text('email'),
        fhirReference: text('fhirReference'),
        password: text('password'),
      });
      const user = await api<AdminUser>('POST', '/admin/users', body);
      close();
      onCreated(user);
    } catch (err) {
      setError(asApiError(err, t('failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('form.title')}
      size="lg"
      centered
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            name="username"
            label={t('form.username')}
            description={t('form.usernameHint')}
            styles={readableHint}
            required
            autoComplete="off"
            error={at('username')}
            data-autofocus
          />
          <RoleChecks value={roles} onChange={setRoles} error={at('roles')} />
          <TextInput name="displayName" label={t('form.displayName')} autoComplete="off" error={at('displayName')} />
          <TextInput
            name="email"
            type="email"
            label={t('form.email')}
            description={t('form.emailHint')}
            styles={readableHint}
            autoComplete="off"
            error={at('email')}
          />
          <TextInput
            name="fhirReference"
            label={t('form.reference')}
            description={t('form.referenceHint')}
            styles={readableHint}
            autoComplete="off"
            error={at('fhirReference')}
          />
          <PasswordInput
            name="password"
            label={t('form.password')}
            description={t('form.passwordHint')}
            styles={readableHint}
            autoComplete="new-password"
            error={at('password')}
          />
          {elsewhere && (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
