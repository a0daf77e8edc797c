import { Alert, Anchor, Button, Group, Loader, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../app/auth.tsx';
import { Failure } from '../../components/Failure.tsx';
import { Notice } from '../../components/Notice.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { type Grant, grantAudit, paramsFor } from './model.ts';
import { useUsers } from './queries.ts';
import { ReviewDialog } from './ReviewDialog.tsx';

/**
 * Break-the-glass review: the emergency accesses staff opened, waiting ones first; the privacy officer reads the
 * reason, checks the audit trail of what was opened (administrators), and marks each reviewed with a note.
 * Supervisors review here too; the audit log is the administrators'.
 */
export function BreakGlassPage() {
  const { t } = useTranslation('admin');
  const queryClient = useQueryClient();
  const [all, setAll] = useState(false);
  const [reviewing, setReviewing] = useState<Grant | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const { session } = useAuth();
  const isAdministrator = session?.roles.includes('administrator') ?? false;
  const users = useUsers(isAdministrator);
  const grants = useQuery({
    queryKey: ['admin-break-glass', all],
    queryFn: async () =>
      (await api<{ grants: Grant[] }>('GET', `/admin/break-glass${all ? '' : '?pending=true'}`)).grants,
  });
  const waiting = grants.data?.filter((g) => g.reviewedAt === null).length ?? 0;
  const now = Date.now();

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('glass.title')}
      </Title>
      <Text>{t('glass.intro')}</Text>
      <Switch label={t('glass.showReviewed')} checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
      {notice && <Notice onClose={() => setNotice(undefined)}>{notice}</Notice>}
      {grants.isPending && <Loader aria-label={t('glass.loading')} />}
      <Failure error={grants.error} />
      {grants.data?.length === 0 && <Alert color="gray">{all ? t('glass.empty') : t('glass.emptyPending')}</Alert>}
      {grants.data && grants.data.length > 0 && (
        <>
          <Text fw={600}>{t('glass.pending', { count: waiting })}</Text>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" aria-label={t('glass.caption')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('glass.who')}</Table.Th>
                  <Table.Th>{t('glass.patient')}</Table.Th>
                  <Table.Th>{t('glass.reason')}</Table.Th>
                  <Table.Th>{t('glass.opened')}</Table.Th>
                  <Table.Th>{t('glass.expires')}</Table.Th>
                  <Table.Th>{t('glass.review')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {grants.data.map((g) => {
                  const names = { username: g.username, patient: g.patient };
                  return (
                    <Table.Tr key={g.id} data-testid="break-glass-grant">
                      <Table.Td>
                        <Text fw={600}>{g.username}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{g.patient}</Text>
                        {isAdministrator && (
                          <Anchor
                            component={Link}
                            size="sm"
                            to={`/administration/audit?${paramsFor(grantAudit(g, users.data ?? []))}`}
                            aria-label={t('glass.trailOf', names)}
                          >
                            {t('glass.trail')}
                          </Anchor>
                        )}
                      </Table.Td>
                      <Table.Td style={{ maxWidth: 320 }}>{g.reason}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(g.grantedAt)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(g.expiresAt)}
                        {Date.parse(g.expiresAt) <= now && ` (${t('glass.ended')})`}
                      </Table.Td>
                      <Table.Td>
                        {g.reviewedAt ? (
                          <>
                            <Text size="sm">{t('glass.reviewed', { when: formatDateTime(g.reviewedAt) })}</Text>
                            {g.reviewNote && <Text size="sm">{g.reviewNote}</Text>}
                          </>
                        ) : (
                          <Group>
                            <Button
                              size="compact-sm"
                              aria-label={t('glass.reviewOf', names)}
                              onClick={() => setReviewing(g)}
                            >
                              {t('glass.reviewButton')}
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      <ReviewDialog
        grant={reviewing}
        onClose={() => setReviewing(undefined)}
        onReviewed={() => {
          setNotice(t('glass.done'));
          void queryClient.invalidateQueries({ queryKey: ['admin-break-glass'] });
        }}
      />
    </Stack>
  );
}
