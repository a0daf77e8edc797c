import { AppShell, Burger, Button, Group, Modal, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure, useIdle } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { api, lastServerContact } from '../lib/api.ts';
import { useAuth } from './auth.tsx';
import { LanguagePicker } from './LanguagePicker.tsx';
import { mayOpen, navigationFor } from './navigation.ts';

const WARN_SECONDS = 60;

/**
 * The frame around every screen: the navigation the user's roles allow, who is signed in, and the idle sign-out —
 * a warning a minute before the server's idle limit, then signing out (the server would refuse the session anyway).
 */
export function Layout() {
  const { t } = useTranslation();
  const { session, signOut } = useAuth();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const limit = (session?.idleTimeoutSeconds ?? 900) * 1000;
  const idle = useIdle(Math.max(limit - WARN_SECONDS * 1000, 10_000), { initialState: false });
  const [left, setLeft] = useState(WARN_SECONDS);

  // A route change closes the menu on small screens.
  const path = location.pathname;
  useEffect(() => {
    if (path) close();
  }, [path, close]);
  // Activity the server has not seen (reading, scrolling) keeps the session alive, at most once a minute.
  useEffect(() => {
    if (!idle && Date.now() - lastServerContact() > 60_000) void api('GET', '/auth/session').catch(() => undefined);
  }, [idle]);
  useEffect(() => {
    if (!idle) return setLeft(WARN_SECONDS);
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = WARN_SECONDS - Math.floor((Date.now() - started) / 1000);
      setLeft(remaining);
      if (remaining <= 0) void signOut('idle');
    }, 1000);
    return () => clearInterval(timer);
  }, [idle, signOut]);

  const items = navigationFor(session?.roles ?? []);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            <Title order={2} size="h4">
              {t('name')}
            </Title>
          </Group>
          <Group>
            <LanguagePicker />
            <Text size="sm" aria-label={t('shell.signedInAs')}>
              {session?.username}
            </Text>
            <Button variant="default" size="xs" onClick={() => signOut()}>
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.main')}>
        {items.map((item) => (
          <NavLink
            key={item.path}
            component={Link}
            to={item.path}
            label={t(`nav.${item.label}`)}
            active={location.pathname.startsWith(item.path)}
            // Filled: white on the dark primary shade, which keeps AA contrast when hovered too.
            variant="filled"
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {mayOpen(path, session?.roles ?? []) || items.length === 0 ? (
          <Outlet />
        ) : (
          <Navigate to={items[0]?.path ?? '/'} replace />
        )}
      </AppShell.Main>
      <Modal opened={idle} onClose={() => undefined} withCloseButton={false} title={t('shell.idleTitle')} centered>
        <Text mb="md">{t('shell.idleBody', { count: Math.max(left, 0) })}</Text>
        <Button onClick={() => api('GET', '/auth/session').catch(() => undefined)}>{t('shell.staySignedIn')}</Button>
      </Modal>
    </AppShell>
  );
}
