/** The languages the API words its own texts in (ranking reasons): English, and Spanish. */
export type Language = 'en' | 'es';
const LANGUAGES: readonly Language[] = ['en', 'es'];

/** A text in each language the API answers in. */
export type Words = Readonly<Record<Language, string>>;

/**
 * The language to answer in, from an `Accept-Language` header (RFC 9110 §12.5.4): the supported language of the
 * highest-weighted range, a regional range (`es-MX`) counting for its language; English when none is supported.
 */
export function languageOf(header: string | undefined): Language {
  let best: { language: Language; q: number } | undefined;
  for (const part of (header ?? '').split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? '1',
    );
    const language = LANGUAGES.find((l) => range.split('-')[0] === l);
    if (language && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'en';
}
