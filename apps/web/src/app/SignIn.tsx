import {
  Alert,
  Button,
  Code,
  Container,
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
import { ApiError, api } from '../lib/api.ts';
import { type Session, useAuth } from './auth.tsx';

type Enrolment = { secret: string; otpauthUri: string; qrSvg: string };

/** Sign-in: password, then the authenticator code — or, the first time, enrolling an authenticator app. */
export function SignIn() {
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
      setError(e instanceof ApiError ? e : new ApiError('That did not work. Please try again.', 0));
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
      <Shell title="Keep your recovery codes">
        <Text>
          Each code signs you in once if you lose your phone. Store them somewhere safe; they are not shown again.
        </Text>
        <List spacing={2}>
          {recoveryCodes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
        <Button onClick={() => accept(pending)}>I have stored them — continue</Button>
      </Shell>
    );

  if (stage === 'enrol')
    return (
      <Shell title="Set up your authenticator">
        {!enrolment ? (
          <>
            <Text>CareLoop needs a second step at sign-in. Use an authenticator app on your phone.</Text>
            <Button
              loading={busy}
              onClick={() => run(async () => setEnrolment(await api<Enrolment>('POST', '/auth/mfa/enrol')))}
            >
              Show the code to scan
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
                alt="QR code to scan with your authenticator app"
                w={200}
                h={200}
              />
              <Text size="sm">
                Or type this key: <Code data-testid="totp-secret">{enrolment.secret}</Code>
              </Text>
              <TextInput
                name="code"
                label="The 6-digit code your app shows"
                autoComplete="one-time-code"
                inputMode="numeric"
                required
                error={error?.message}
              />
              <Button type="submit" loading={busy}>
                Confirm
              </Button>
            </Stack>
          </form>
        )}
      </Shell>
    );

  if (stage === 'mfa')
    return (
      <Shell title="Enter your code">
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
              label="The 6-digit code from your authenticator app, or a recovery code"
              autoComplete="one-time-code"
              required
              error={error?.message}
            />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Shell>
    );

  return (
    <Shell title="Sign in to CareLoop">
      {ended === 'idle' && <Alert color="blue">You were signed out after a period without activity.</Alert>}
      {ended === 'expired' && <Alert color="blue">Your session ended. Please sign in again.</Alert>}
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
          <TextInput name="username" label="User name" autoComplete="username" required />
          <PasswordInput
            name="password"
            label="Password"
            autoComplete="current-password"
            required
            error={error?.message}
          />
          <Button type="submit" loading={busy}>
            Continue
          </Button>
          <Text size="sm">Forgot your password? Your administrator can send you a reset link.</Text>
        </Stack>
      </form>
    </Shell>
  );
}

function Shell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Container size={420} py="xl" component="main">
      <Title order={1} size="h2" mb="md">
        {title}
      </Title>
      <Paper withBorder p="lg" radius="md">
        <Stack>{children}</Stack>
      </Paper>
    </Container>
  );
}
