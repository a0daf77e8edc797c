import { Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../lib/api.ts';

export type Action = 'complete' | 'snooze' | 'escalate';

const TITLES: Record<Action, string> = {
  complete: 'Complete the task',
  snooze: 'Snooze the task',
  escalate: 'Escalate the task',
};

/** When a snoozed task comes back, as offered: in an hour, this afternoon, tomorrow morning, next week. */
function snoozeChoices(now = new Date()) {
  const at = (d: Date) => d.toISOString();
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const week = new Date(tomorrow);
  week.setDate(tomorrow.getDate() + 6);
  return [
    { value: at(new Date(now.getTime() + 3_600_000)), label: 'In one hour' },
    { value: at(new Date(now.getTime() + 4 * 3_600_000)), label: 'In four hours' },
    { value: at(tomorrow), label: 'Tomorrow at 9:00' },
    { value: at(week), label: 'In a week, at 9:00' },
  ];
}

/** The details an action needs (an outcome, a time, a reason); the server's refusal shows next to its field. */
export function ActionDialog({
  action,
  onClose,
  onSubmit,
}: {
  action: Action | undefined;
  onClose(): void;
  onSubmit(values: Record<string, string>): Promise<void>;
}) {
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(data);
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('That did not work. Please try again.', 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={action !== undefined}
      onClose={onClose}
      title={action ? TITLES[action] : ''}
      centered
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={submit}>
        <Stack>
          {action === 'complete' && (
            <Textarea
              name="outcome"
              label="Outcome: what was done"
              required
              autosize
              minRows={2}
              error={error?.message}
              data-autofocus
            />
          )}
          {action === 'snooze' && (
            <>
              <Select
                name="until"
                label="Bring it back"
                data={snoozeChoices()}
                defaultValue={snoozeChoices()[2]?.value}
                allowDeselect={false}
                error={error?.field === 'until' ? error.message : undefined}
                data-autofocus
              />
              <Textarea
                name="reason"
                label="Reason (optional)"
                autosize
                error={error && error.field !== 'until' ? error.message : undefined}
              />
            </>
          )}
          {action === 'escalate' && (
            <Textarea
              name="reason"
              label="Why it needs escalating"
              required
              autosize
              minRows={2}
              error={error?.message}
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {action === 'complete' ? 'Complete' : action === 'snooze' ? 'Snooze' : 'Escalate'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
