import {
  Alert,
  Badge,
  Box,
  Button,
  Group,
  Kbd,
  List,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Failure } from '../../components/Failure.tsx';
import { Notice } from '../../components/Notice.tsx';
import { api, parameters } from '../../lib/api.ts';
import { formatDateTime, fromNow } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import { type Action, ActionDialog } from './ActionDialog.tsx';
import { worklistMessages } from './messages.ts';
import { type WorkItem, type WorklistBundle, workItems } from './model.ts';

type Owner = 'mine' | 'unassigned' | 'all';
type Priority = keyof typeof worklistMessages.en.priority;
const isPriority = (p: string): p is Priority => Object.hasOwn(worklistMessages.en.priority, p);
const PRIORITY_COLOR: Record<string, string> = { stat: 'red', asap: 'orange', urgent: 'yellow', routine: 'gray' };

/** Live updates: the server's event stream says a task changed; the queue is read again (through the audited API). */
function useWorklistEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const events = new EventSource('/worklist/events');
    events.onmessage = () => void queryClient.invalidateQueries({ queryKey: ['worklist'] });
    return () => events.close();
  }, [queryClient]);
}

/** My worklist: the ranked queue with why each task ranks where it does, and the actions, by mouse or keyboard. */
export function WorklistPage() {
  const { t } = useTranslation('worklist');
  const queryClient = useQueryClient();
  const [owner, setOwner] = useState<Owner>('mine');
  const [selected, setSelected] = useState(0);
  const [action, setAction] = useState<Action | undefined>();
  const [notice, setNotice] = useState<'claim' | Action | undefined>();
  useWorklistEvents();

  const queue = useQuery({
    queryKey: ['worklist', owner],
    queryFn: async () =>
      workItems(await api<WorklistBundle>('GET', `/fhir/R4/Task/$worklist?owner=${owner}&_count=50`)),
  });
  const items = queue.data ?? [];
  const names = useNames(
    'Patient',
    items.map((i) => i.patient),
  );
  const current: WorkItem | undefined = items[Math.min(selected, items.length - 1)];

  const act = useMutation({
    mutationFn: ({ id, op, body }: { id: string; op: 'claim' | Action; body: unknown }) =>
      api('POST', `/fhir/R4/Task/${id}/$${op}`, body),
    onSuccess: (_r, { op }) => setNotice(op),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['worklist'] }),
  });
  const open = (i: number, a: Action) => {
    setSelected(i);
    setAction(a);
  };
  const priority = (item: WorkItem) => (
    <Badge
      color={PRIORITY_COLOR[item.priority] ?? 'gray'}
      variant="light"
      style={{ overflow: 'visible' }}
      // The whole word, never "RUTIN…": the badge is as wide as its priority.
      styles={{ label: { overflow: 'visible' } }}
    >
      {isPriority(item.priority) ? t(`priority.${item.priority}`) : item.priority}
    </Badge>
  );
  const claim = (item: WorkItem | undefined) => item && act.mutate({ id: item.id, op: 'claim', body: parameters({}) });

  useHotkeys([
    ['j', () => setSelected((s) => Math.min(s + 1, items.length - 1))],
    ['ArrowDown', () => setSelected((s) => Math.min(s + 1, items.length - 1))],
    ['k', () => setSelected((s) => Math.max(s - 1, 0))],
    ['ArrowUp', () => setSelected((s) => Math.max(s - 1, 0))],
    ['c', () => claim(current)],
    ['x', () => current && setAction('complete')],
    ['s', () => current && setAction('snooze')],
    ['e', () => current && setAction('escalate')],
  ]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        <SegmentedControl
          aria-label={t('whose')}
          value={owner}
          onChange={(v) => {
            setOwner(v as Owner);
            setSelected(0);
          }}
          data={[
            { value: 'mine', label: t('owner.mine') },
            { value: 'unassigned', label: t('owner.unassigned') },
            { value: 'all', label: t('owner.all') },
          ]}
        />
      </Group>
      <Text size="sm">
        {t('keys.title')} <Kbd>j</Kbd>/<Kbd>k</Kbd> {t('keys.move')}, <Kbd>c</Kbd> {t('keys.claim')}, <Kbd>x</Kbd>{' '}
        {t('keys.complete')}, <Kbd>s</Kbd> {t('keys.snooze')}, <Kbd>e</Kbd> {t('keys.escalate')}
      </Text>
      {notice && <Notice onClose={() => setNotice(undefined)}>{t(`done.${notice}`)}</Notice>}
      <Failure error={act.error} />
      {queue.isPending && <Loader aria-label={t('loading')} />}
      <Failure error={queue.error} />
      {queue.isSuccess && items.length === 0 && (
        <Alert color="gray" title={t('emptyTitle')}>
          {t('empty')}
        </Alert>
      )}
      {items.length > 0 && (
        // On a tablet the priority moves into the task's cell and the actions stack; were the screen narrower still,
        // the table would scroll, not the page.
        <Table.ScrollContainer minWidth={0} type="native">
          <Table highlightOnHover verticalSpacing="sm" aria-label={t('table')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th visibleFrom="md">{t('column.priority')}</Table.Th>
                <Table.Th>{t('column.task')}</Table.Th>
                <Table.Th>{t('column.patient')}</Table.Th>
                <Table.Th>{t('column.due')}</Table.Th>
                <Table.Th>{t('column.why')}</Table.Th>
                <Table.Th>{t('column.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item, i) => (
                <Table.Tr
                  key={item.id}
                  data-testid="work-item"
                  aria-selected={item === current}
                  style={
                    item === current
                      ? { outline: '2px solid var(--mantine-color-blue-8)', outlineOffset: -2 }
                      : undefined
                  }
                  onClick={() => setSelected(i)}
                >
                  <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
                    {priority(item)}
                  </Table.Td>
                  <Table.Td>
                    <Box hiddenFrom="md" mb={4}>
                      {priority(item)}
                    </Box>
                    <Text fw={600}>
                      {item.kind
                        ? t(`taskType.${item.kind}` as 'task', { defaultValue: item.type })
                        : (item.type ?? t('task'))}
                    </Text>
                    <Text size="sm">{item.description}</Text>
                  </Table.Td>
                  <Table.Td>
                    {item.patient?.startsWith('Patient/') ? (
                      <Link to={`/patients/${item.patient.slice(8)}`}>
                        {names ? (names.get(item.patient) ?? t('unnamedPatient')) : t('loadingName')}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    {item.due ? (
                      <Text
                        size="sm"
                        title={formatDateTime(item.due)}
                        c={Date.parse(item.due) < Date.now() ? 'red.9' : undefined}
                        fw={Date.parse(item.due) < Date.now() ? 700 : undefined}
                      >
                        {fromNow(item.due)}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <List size="xs">
                      {item.reasons.map((r) => (
                        <List.Item key={r}>{r}</List.Item>
                      ))}
                    </List>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {item.status !== 'in-progress' && (
                        <Button size="compact-xs" variant="light" onClick={() => claim(item)}>
                          {t('action.claim')}
                        </Button>
                      )}
                      <Button size="compact-xs" variant="light" onClick={() => open(i, 'complete')}>
                        {t('action.complete')}
                      </Button>
                      <Button size="compact-xs" variant="subtle" onClick={() => open(i, 'snooze')}>
                        {t('action.snooze')}
                      </Button>
                      <Button size="compact-xs" variant="subtle" onClick={() => open(i, 'escalate')}>
                        {t('action.escalate')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ActionDialog
        action={action}
        onClose={() => setAction(undefined)}
        onSubmit={async (values) => {
          if (!current || !action) return;
          const body =
            action === 'complete'
              ? { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueString: values.outcome }] }
              : action === 'snooze'
                ? {
                    resourceType: 'Parameters',
                    parameter: [
                      { name: 'until', valueDateTime: values.until },
                      ...(values.reason ? [{ name: 'reason', valueString: values.reason }] : []),
                    ],
                  }
                : parameters({ reason: values.reason });
          await act.mutateAsync({ id: current.id, op: action, body });
        }}
      />
    </Stack>
  );
}
