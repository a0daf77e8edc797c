import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api.ts';

/**
 * What went wrong, announced at once: a refusal in the server's words (or their plain meaning, lib/api.ts), anything
 * else as "that did not work". Nothing when there is no error.
 */
export function Failure({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" role="alert">
      {error instanceof ApiError ? error.message : t('common.tryAgain')}
    </Alert>
  );
}
