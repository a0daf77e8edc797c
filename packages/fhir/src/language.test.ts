import { describe, expect, test } from 'vitest';
import { languageOf } from './language.ts';

describe('languageOf', () => {
  test.each([
    [undefined, 'en'],
    ['', 'en'],
    ['es', 'es'],
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['en-US,en;q=0.9,es;q=0.8', 'en'],
    ['fr-FR, es;q=0.5', 'es'],
    ['fr, de', 'en'],
    ['en;q=0.2, ES;q=0.7', 'es'],
    ['es;q=0, en;q=0.1', 'en'],
    ['es;q=abc', 'en'],
    ['*', 'en'],
  ])('%j → %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});
