import {
  Alert,
  Badge,
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
import { Link } from 'react-router';
import { ApiError, api, parameters } from '../../lib/api.ts';
import { formatDateTime, fromNow } from '../../lib/format.ts';
import { useNames } from '../../lib/names.ts';
import { type Action, ActionDialog } from './ActionDialog.tsx';
import { type WorkItem, type WorklistBundle, workItems } from './model.ts';

type Owner = 'mine' | 'unassigned' | 'all';
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
  const queryClient = useQueryClient();
  const [owner, setOwner] = useState<Owner>('mine');
  const [selected, setSelected] = useState(0);
  const [action, setAction] = useState<Action | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
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
    mutationFn: ({ id, op, body }: { id: string; op: string; body: unknown }) =>
      api('POST', `/fhir/R4/Task/${id}/$${op}`, body),
    onSuccess: (_r, { op }) =>
      setNotice(
        `Task ${op === 'claim' ? 'claimed' : op === 'complete' ? 'completed' : op === 'snooze' ? 'snoozed' : 'escalated'}.`,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['worklist'] }),
  });
  const open = (i: number, a: Action) => {
    setSelected(i);
    setAction(a);
  };
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
          My worklist
        </Title>
        <SegmentedControl
          aria-label="Whose tasks"
          value={owner}
          onChange={(v) => {
            setOwner(v as Owner);
            setSelected(0);
          }}
          data={[
            { value: 'mine', label: 'Mine and unassigned' },
            { value: 'unassigned', label: 'Unassigned' },
            { value: 'all', label: 'Everyone' },
          ]}
        />
      </Group>
      <Text size="sm">
        Keys: <Kbd>j</Kbd>/<Kbd>k</Kbd> move, <Kbd>c</Kbd> claim, <Kbd>x</Kbd> complete, <Kbd>s</Kbd> snooze,{' '}
        <Kbd>e</Kbd> escalate
      </Text>
      {notice && (
        <Alert
          color="green"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(undefined)}
          role="status"
        >
          {notice}
        </Alert>
      )}
      {act.error && (
        <Alert color="red" role="alert">
          {act.error instanceof ApiError ? act.error.message : 'That did not work.'}
        </Alert>
      )}
      {queue.isPending && <Loader aria-label="Loading the worklist" />}
      {queue.error && <Alert color="red">{(queue.error as Error).message}</Alert>}
      {queue.isSuccess && items.length === 0 && (
        <Alert color="gray" title="Nothing waiting">
          No open tasks here. New work appears as soon as it arrives.
        </Alert>
      )}
      {items.length > 0 && (
        <Table highlightOnHover verticalSpacing="sm" aria-label="Tasks, most important first">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Priority</Table.Th>
              <Table.Th>Task</Table.Th>
              <Table.Th>Patient</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Why here</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item, i) => (
              <Table.Tr
                key={item.id}
                data-testid="work-item"
                aria-selected={item === current}
                style={
                  item === current ? { outline: '2px solid var(--mantine-color-blue-8)', outlineOffset: -2 } : undefined
                }
                onClick={() => setSelected(i)}
              >
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge
                    color={PRIORITY_COLOR[item.priority] ?? 'gray'}
                    variant="light"
                    style={{ overflow: 'visible' }}
                  >
                    {item.priority}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text fw={600}>{item.type}</Text>
                  <Text size="sm">{item.description}</Text>
                </Table.Td>
                <Table.Td>
                  {item.patient?.startsWith('Patient/') ? (
                    <Link to={`/patients/${item.patient.slice(8)}`}>
                      {names ? (names.get(item.patient) ?? 'Unnamed patient') : 'Loading…'}
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
                  <Group gap={4} wrap="nowrap">
                    {item.status !== 'in-progress' && (
                      <Button size="compact-xs" variant="light" onClick={() => claim(item)}>
                        Claim
                      </Button>
                    )}
                    <Button size="compact-xs" variant="light" onClick={() => open(i, 'complete')}>
                      Complete
                    </Button>
                    <Button size="compact-xs" variant="subtle" onClick={() => open(i, 'snooze')}>
                      Snooze
                    </Button>
                    <Button size="compact-xs" variant="subtle" onClick={() => open(i, 'escalate')}>
                      Escalate
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
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
