import { Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api.ts';

export type Action = 'complete' | 'snooze' | 'escalate';

/** When a snoozed task comes back, as offered: in an hour, this afternoon, tomorrow morning, next week. */
function snoozeChoices(label: (choice: 'hour' | 'fourHours' | 'tomorrow' | 'week') => string, now = new Date()) {
  const at = (d: Date) => d.toISOString();
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const week = new Date(tomorrow);
  week.setDate(tomorrow.getDate() + 6);
  return [
    { value: at(new Date(now.getTime() + 3_600_000)), label: label('hour') },
    { value: at(new Date(now.getTime() + 4 * 3_600_000)), label: label('fourHours') },
    { value: at(tomorrow), label: label('tomorrow') },
    { value: at(week), label: label('week') },
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
  const { t } = useTranslation('worklist');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const choices = snoozeChoices((c) => t(`snooze.${c}`));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(data);
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(t('common.tryAgain', { ns: 'app' }), 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={action !== undefined}
      onClose={onClose}
      title={action ? t(`dialog.${action}`) : ''}
      centered
      closeButtonProps={{ 'aria-label': t('dialog.close') }}
    >
      <form onSubmit={submit}>
        <Stack>
          {action === 'complete' && (
            <Textarea
              name="outcome"
              label={t('dialog.outcome')}
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
                label={t('dialog.until')}
                data={choices}
                defaultValue={choices[2]?.value}
                allowDeselect={false}
                error={error?.field === 'until' ? error.message : undefined}
                data-autofocus
              />
              <Textarea
                name="reason"
                label={t('dialog.reasonOptional')}
                autosize
                error={error && error.field !== 'until' ? error.message : undefined}
              />
            </>
          )}
          {action === 'escalate' && (
            <Textarea
              name="reason"
              label={t('dialog.escalateReason')}
              required
              autosize
              minRows={2}
              error={error?.message}
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('dialog.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t(`action.${action ?? 'complete'}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
