import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** What just happened (saved, sent, moved), announced to screen readers, until the user dismisses it. */
export function Notice({ children, onClose }: { children: ReactNode; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Alert color="green" role="status" withCloseButton closeButtonLabel={t('common.dismiss')} onClose={onClose}>
      {children}
    </Alert>
  );
}
