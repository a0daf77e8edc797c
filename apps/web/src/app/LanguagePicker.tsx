import { NativeSelect } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../lib/i18n.ts';

/** The language the workbench speaks to this user, for this tab. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <NativeSelect
      size="xs"
      aria-label={t('shell.language')}
      value={i18n.resolvedLanguage}
      // Answers the server worded (ranking reasons) are asked for again in the new language.
      onChange={(e) => void i18n.changeLanguage(e.currentTarget.value).then(() => queryClient.invalidateQueries())}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
    />
  );
}
