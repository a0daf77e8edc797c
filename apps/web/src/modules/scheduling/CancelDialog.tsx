import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, parameters } from '../../lib/api.ts';
import type { AppointmentSummary } from './model.ts';

/** Cancelling an appointment or a waitlist entry, with the reason (required); the refusal shows under the field. */
export function CancelDialog({
  appointment,
  onClose,
  onCancelled,
}: {
  appointment: AppointmentSummary | undefined;
  onClose(): void;
  onCancelled(): Promise<unknown>;
}) {
  const { t } = useTranslation('scheduling');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!appointment) return;
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/fhir/R4/Appointment/${appointment.id}/$cancel`, parameters({ reason }));
      onClose();
      await onCancelled();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.tryAgain', { ns: 'app' }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={appointment !== undefined}
      onClose={onClose}
      title={t('appointments.cancelTitle')}
      centered
      closeButtonProps={{ 'aria-label': t('appointments.keep') }}
    >
      <form onSubmit={submit}>
        <Stack>
          <Textarea
            name="reason"
            label={t('appointments.cancelReason')}
            required
            autosize
            minRows={2}
            maxLength={500}
            error={error}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('appointments.keep')}
            </Button>
            <Button type="submit" color="red.9" loading={busy}>
              {t('appointments.cancelConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
