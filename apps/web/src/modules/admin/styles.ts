/** A field's description in a darker grey than Mantine's "dimmed", which falls short of WCAG AA contrast on white. */
export const readableHint = { description: { color: 'var(--mantine-color-gray-7)' } } as const;
