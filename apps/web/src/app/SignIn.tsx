import {
  Alert,
  Button,
  Code,
  Container,
  Group,
  Image,
  List,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../lib/api.ts';
import { type Session, useAuth } from './auth.tsx';
import { LanguagePicker } from './LanguagePicker.tsx';

type Enrolment = { secret: string; otpauthUri: string; qrSvg: string };

/** Sign-in: password, then the authenticator code — or, the first time, enrolling an authenticator app. */
export function SignIn() {
  const { t } = useTranslation();
  const { session, accept, ended } = useAuth();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | undefined>();
  const [pending, setPending] = useState<Session | undefined>();
  const stage = session?.stage;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(t('common.tryAgain'), 0));
    } finally {
      setBusy(false);
    }
  };
  const form = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    return new FormData(e.currentTarget);
  };

  if (recoveryCodes && pending)
    return (
      <Shell title={t('signIn.recoveryTitle')}>
        <Text>{t('signIn.recoveryBody')}</Text>
        <List spacing={2}>
          {recoveryCodes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
        <Button onClick={() => accept(pending)}>{t('signIn.recoveryStored')}</Button>
      </Shell>
    );

  if (stage === 'enrol')
    return (
      <Shell title={t('signIn.enrolTitle')}>
        {!enrolment ? (
          <>
            <Text>{t('signIn.enrolIntro')}</Text>
            <Button
              loading={busy}
              onClick={() => run(async () => setEnrolment(await api<Enrolment>('POST', '/auth/mfa/enrol')))}
            >
              {t('signIn.showCode')}
            </Button>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              const data = form(e);
              return run(async () => {
                const done = await api<Session & { recoveryCodes: string[] }>('POST', '/auth/mfa/enrol/confirm', {
                  code: String(data.get('code') ?? ''),
                });
                setPending({ ...done, csrfToken: session?.csrfToken });
                setRecoveryCodes(done.recoveryCodes);
              });
            }}
          >
            <Stack>
              <Image
                src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
                alt={t('signIn.qrAlt')}
                w={200}
                h={200}
              />
              <Text size="sm">
                {t('signIn.typeKey')} <Code data-testid="totp-secret">{enrolment.secret}</Code>
              </Text>
              <TextInput
                name="code"
                label={t('signIn.enrolCode')}
                autoComplete="one-time-code"
                inputMode="numeric"
                required
                error={error?.message}
              />
              <Button type="submit" loading={busy}>
                {t('signIn.confirm')}
              </Button>
            </Stack>
          </form>
        )}
      </Shell>
    );

  if (stage === 'mfa')
    return (
      <Shell title={t('signIn.codeTitle')}>
        <form
          onSubmit={(e) => {
            const data = form(e);
            return run(async () => {
              const s = await api<Session>('POST', '/auth/mfa/verify', { code: String(data.get('code') ?? '') });
              accept({ ...s, csrfToken: session?.csrfToken });
            });
          }}
        >
          <Stack>
            <TextInput
              name="code"
              label={t('signIn.code')}
              autoComplete="one-time-code"
              required
              error={error?.message}
            />
            <Button type="submit" loading={busy}>
              {t('signIn.signIn')}
            </Button>
          </Stack>
        </form>
      </Shell>
    );

  return (
    <Shell title={t('signIn.title')}>
      {ended === 'idle' && <Alert color="blue">{t('signIn.endedIdle')}</Alert>}
      {ended === 'expired' && <Alert color="blue">{t('signIn.endedExpired')}</Alert>}
      <form
        onSubmit={(e) => {
          const data = form(e);
          return run(async () => {
            accept(
              await api<Session>('POST', '/auth/login', {
                username: String(data.get('username') ?? ''),
                password: String(data.get('password') ?? ''),
              }),
            );
          });
        }}
      >
        <Stack>
          <TextInput name="username" label={t('signIn.userName')} autoComplete="username" required />
          <PasswordInput
            name="password"
            label={t('signIn.password')}
            autoComplete="current-password"
            required
            error={error?.message}
          />
          <Button type="submit" loading={busy}>
            {t('signIn.continue')}
          </Button>
          <Text size="sm">{t('signIn.forgotPassword')}</Text>
        </Stack>
      </form>
    </Shell>
  );
}

function Shell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Container size={420} py="xl" component="main">
      {/* Before signing in too: the browser's language may not be the one the user reads best. */}
      <Group justify="flex-end" mb="xs">
        <LanguagePicker />
      </Group>
      <Title order={1} size="h2" mb="md">
        {title}
      </Title>
      <Paper withBorder p="lg" radius="md">
        <Stack>{children}</Stack>
      </Paper>
    </Container>
  );
}
