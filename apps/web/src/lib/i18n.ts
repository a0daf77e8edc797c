import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/** The languages the workbench speaks, in the order the language menu lists them. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'es', label: 'Español' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

/**
 * A translation of an English catalogue: the same keys, every one a string. A key missing from a translation is a
 * type error, so a new English text cannot ship untranslated.
 */
export type Translation<T> = { readonly [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };

/** A module's texts: English, and the same keys in Spanish. */
export type Messages<T> = Readonly<{ en: T; es: Translation<T> }>;

/** The browser's first preferred language the workbench speaks, else English. */
export function preferredLanguage(preferences: readonly string[] = navigator.languages): Language {
  for (const tag of preferences) {
    const found = LANGUAGES.find((l) => tag.toLowerCase().split('-')[0] === l.code);
    if (found) return found.code;
  }
  return 'en';
}

/**
 * Starts i18next with every module's catalogue, one namespace per module. The choice of language lives in memory
 * for the tab, like everything else the workbench knows (nothing in browser storage); `<html lang>` follows it so
 * screen readers pronounce the text in the right language.
 */
export function startI18n(resources: Record<Language, Record<string, object>>, defaultNS: string) {
  const lng = preferredLanguage();
  document.documentElement.lang = lng;
  i18next.on('languageChanged', (l) => {
    document.documentElement.lang = l;
  });
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    defaultNS,
    ns: Object.keys(resources.en),
    interpolation: { escapeValue: false }, // React escapes what it renders.
    returnNull: false,
  });
  return i18next;
}

/** The locale for dates and numbers: the browser's own when it is in the chosen language (es-MX), else the language. */
export function locale(language = i18next.resolvedLanguage ?? 'en'): string {
  const own = typeof navigator === 'undefined' ? undefined : navigator.language;
  return own?.toLowerCase().startsWith(language) ? own : language;
}
