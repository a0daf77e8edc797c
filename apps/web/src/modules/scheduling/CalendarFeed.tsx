import { Button, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Failure } from '../../components/Failure.tsx';
import { api } from '../../lib/api.ts';

/** The practitioner's iCalendar feed address (a signed link valid a year), to subscribe to in a calendar app. */
export function CalendarFeed({ practitioner }: { practitioner: string }) {
  const { t } = useTranslation('scheduling');
  const link = useMutation({
    mutationFn: () => api<{ url: string }>('POST', '/calendar/feed-link', { practitioner }),
  });
  if (!link.data)
    return (
      <Stack gap="xs" align="flex-start">
        <Button variant="default" loading={link.isPending} onClick={() => link.mutate()}>
          {t('calendar.subscribe')}
        </Button>
        <Failure error={link.error} />
      </Stack>
    );
  return (
    <Stack gap="xs">
      <Text size="sm">{t('calendar.feedHelp')}</Text>
      <Group align="flex-end">
        <TextInput label={t('calendar.feedLabel')} value={link.data.url} readOnly w={480} />
        <CopyButton value={link.data.url}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? t('calendar.copied') : t('calendar.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}
