import { Button, Group, NativeSelect, Select, SimpleGrid, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTIONS, type ActionCode, type AdminUser, type AuditFilters, agentOf, instant, SUBTYPES } from './model.ts';
import { readableHint } from './styles.ts';

/**
 * The audit search's filters: who (an account, as the trail names it), which patient, what action and kind of event,
 * and between when. Searching puts them in the address, so a search can be bookmarked, linked and gone back to.
 */
export function AuditFilterForm({
  value,
  users,
  onSearch,
}: {
  value: AuditFilters;
  users: readonly AdminUser[];
  onSearch(filters: AuditFilters): void;
}) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<AuditFilters>(value);
  const [rangeError, setRangeError] = useState(false);
  // A new address (going back, a link from the break-the-glass review) shows its filters.
  useEffect(() => setDraft(value), [value]);
  const set = (patch: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...patch }));

  const agents = users.map((u) => ({
    value: agentOf(u),
    label: u.displayName ? `${u.displayName} (${u.username})` : u.username,
  }));
  // A search by someone no longer listed (an address from elsewhere) keeps its value selectable.
  if (draft.agent && !agents.some((a) => a.value === draft.agent))
    agents.push({ value: draft.agent, label: draft.agent });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const from = instant(draft.from);
    const to = instant(draft.to);
    const bad = !!from && !!to && from >= to;
    setRangeError(bad);
    if (!bad) onSearch(draft);
  };

  return (
    <form onSubmit={submit} aria-label={t('audit.filters')}>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        <Select
          label={t('audit.agent')}
          placeholder={t('audit.agentPlaceholder')}
          data={agents}
          value={draft.agent ?? null}
          onChange={(v) => set({ agent: v ?? undefined })}
          searchable
          clearable
          clearButtonProps={{ 'aria-label': t('audit.clearAgent') }}
        />
        <TextInput
          label={t('audit.patient')}
          description={t('audit.patientHint')}
          styles={readableHint}
          value={draft.patient ?? ''}
          onChange={(e) => set({ patient: e.currentTarget.value.trim() || undefined })}
          autoComplete="off"
        />
        <NativeSelect
          label={t('audit.action')}
          value={draft.action ?? ''}
          onChange={(e) => set({ action: (e.currentTarget.value || undefined) as ActionCode | undefined })}
          data={[
            { value: '', label: t('audit.anyAction') },
            ...ACTIONS.map((a) => ({ value: a, label: t(`action.${a}`) })),
          ]}
        />
        <NativeSelect
          label={t('audit.subtype')}
          value={draft.subtype ?? ''}
          onChange={(e) => set({ subtype: e.currentTarget.value || undefined })}
          data={[
            { value: '', label: t('audit.anySubtype') },
            ...SUBTYPES.map((s) => ({ value: s.code, label: t(`subtype.${s.name}`) })),
          ]}
        />
        <TextInput
          type="datetime-local"
          label={t('audit.from')}
          value={draft.from ?? ''}
          onChange={(e) => set({ from: e.currentTarget.value || undefined })}
        />
        <TextInput
          type="datetime-local"
          label={t('audit.to')}
          value={draft.to ?? ''}
          onChange={(e) => set({ to: e.currentTarget.value || undefined })}
          error={rangeError ? t('audit.badRange') : undefined}
        />
      </SimpleGrid>
      <Group mt="md">
        <Button type="submit">{t('audit.search')}</Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft({});
            setRangeError(false);
            onSearch({});
          }}
        >
          {t('audit.clear')}
        </Button>
      </Group>
    </form>
  );
}
