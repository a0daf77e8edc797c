import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../lib/i18n.ts';

/** The language the workbench speaks to this user, for this tab. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      size="xs"
      aria-label={t('shell.language')}
      value={i18n.resolvedLanguage}
      onChange={(e) => void i18n.changeLanguage(e.currentTarget.value)}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
    />
  );
}
