import { Button, Group, List, Modal, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Grant } from './model.ts';
import { asApiError } from './queries.ts';
import { readableHint } from './styles.ts';

/** Marking an emergency access reviewed, with the reviewer's note (POST /admin/break-glass/:id/review). */
export function ReviewDialog({
  grant,
  onClose,
  onReviewed,
}: {
  grant: Grant | undefined;
  onClose(): void;
  onReviewed(): void;
}) {
  const { t } = useTranslation('admin');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(undefined);
    onClose();
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!grant) return;
    const note = String(new FormData(e.currentTarget).get('note') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/admin/break-glass/${encodeURIComponent(grant.id)}/review`, { note });
      close();
      onReviewed();
    } catch (err) {
      setError(asApiError(err, t('failed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={grant !== undefined}
      onClose={close}
      title={t('glass.dialogTitle')}
      centered
      size="lg"
      closeButtonProps={{ 'aria-label': t('close') }}
    >
      {grant && (
        <form onSubmit={submit}>
          <Stack>
            <List size="sm" spacing={4}>
              <List.Item>
                {t('glass.who')}: {grant.username}
              </List.Item>
              <List.Item>
                {t('glass.patient')}: {grant.patient}
              </List.Item>
              <List.Item>
                {t('glass.opened')}: {formatDateTime(grant.grantedAt)}
              </List.Item>
              <List.Item>
                {t('glass.reason')}: {grant.reason}
              </List.Item>
            </List>
            <Textarea
              name="note"
              label={t('glass.note')}
              description={t('glass.noteHint')}
              styles={readableHint}
              required
              autosize
              minRows={3}
              maxLength={2000}
              error={error?.message}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('glass.markReviewed')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
