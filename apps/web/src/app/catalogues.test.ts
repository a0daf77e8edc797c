import { describe, expect, test } from 'vitest';
import { preferredLanguage } from '../lib/i18n.ts';
import { catalogues, resourcesFor } from './catalogues.ts';

type Tree = { [key: string]: string | Tree };

/** Every text of a catalogue by its dotted key. */
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : flatten(v, `${prefix}${k}.`)));

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the catalogues', () => {
  const en = new Map(flatten(resourcesFor('en') as unknown as Tree));
  const es = new Map(flatten(resourcesFor('es') as unknown as Tree));

  test('Spanish has every English key and nothing else', () => {
    expect([...es.keys()].sort()).toEqual([...en.keys()].sort());
    expect(en.size).toBeGreaterThan(Object.keys(catalogues).length);
  });

  test('no text is empty, and each translation keeps the same {{placeholders}}', () => {
    for (const [key, text] of en) {
      expect(text.trim(), key).not.toBe('');
      expect(es.get(key)?.trim(), key).not.toBe('');
      expect(placeholders(es.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  test('a plural has its one and other forms in both languages', () => {
    const plurals = [...en.keys()].filter((k) => k.endsWith('_one'));
    expect(plurals.length).toBeGreaterThan(0);
    for (const k of plurals) expect(en.has(k.replace(/_one$/, '_other')), k).toBe(true);
  });
});

describe('the language at first', () => {
  test.each([
    [['es-MX', 'en-US'], 'es'],
    [['fr-FR', 'ES'], 'es'],
    [['en-GB'], 'en'],
    [['de-DE'], 'en'],
    [[], 'en'],
  ])('browser prefers %j → %s', (prefs, lng) => {
    expect(preferredLanguage(prefs)).toBe(lng);
  });
});
