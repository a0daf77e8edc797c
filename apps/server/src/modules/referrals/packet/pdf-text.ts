import type { PDFFont } from 'pdf-lib';

/**
 * Text for pdf-lib's standard Helvetica, which encodes WinAnsi (Windows-1252) only and throws on anything else.
 *
 * Why not embed a Unicode font: pdf-lib needs a second package (`@pdf-lib/fontkit`) plus a font package, and a font
 * covering Chinese, Japanese and Korean is 10–20 MB per weight, all for a document whose exact text is one click away
 * on the secure link page (HTML, which the browser renders in any script). So characters outside WinAnsi are
 * transliterated where that is faithful enough for a printed letter (Vietnamese `Nguyễn Thị Hương` → `Nguyen Thi
 * Huong`: the accents are dropped, the base letters kept, as US registration systems commonly store such names) and
 * otherwise replaced by `?` (`王小明` → `???`). The PDF then says so on its first page, and identifiers, birth date and
 * address still identify the patient.
 */
export type Printable = Readonly<{
  /** The text with every character the font can encode. */
  text: (s: string) => string;
  /** Whether any character was changed so far (the caller prints a notice). */
  hasReplaced: () => boolean;
}>;

/** Letters with no decomposition to a base letter that still read right without their stroke or dot. */
const LOOK_ALIKE: Readonly<Record<string, string>> = {
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2192': '->',
  '\u2264': '<=',
  '\u2265': '>=',
};

/** A printer for `font`; `?` marks each character that could not be kept. */
export function printable(font: PDFFont): Printable {
  const encodable = new Set(font.getCharacterSet());
  const canEncode = (s: string) => [...s].every((c) => encodable.has(c.codePointAt(0) as number));
  let replaced = false;
  const one = (c: string): string => {
    if (encodable.has(c.codePointAt(0) as number) || c === '\n') return c; // wrap() splits paragraphs on \n
    if (/\s/u.test(c)) return ' ';
    if (/\p{Cc}|\p{Cf}/u.test(c)) return ''; // controls and invisible format marks: nothing to print
    replaced = true;
    const look = LOOK_ALIKE[c];
    if (look) return look;
    const base = c.normalize('NFD').replace(/\p{M}/gu, '');
    return base !== '' && base !== c && canEncode(base) ? base : '?';
  };
  return {
    // NFC first, so a name sent decomposed (e + U+0301) prints as the WinAnsi `é` instead of losing the accent.
    text: (s) => [...s.normalize('NFC')].map(one).join(''),
    hasReplaced: () => replaced,
  };
}

/**
 * Lines of at most `width` points: paragraphs kept, words wrapped, a word longer than a line (a URL, an identifier)
 * broken where it must be. `text` must already be printable with `font`.
 */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (fits(candidate)) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (!fits(line)) {
        let cut = line.length - 1;
        while (cut > 1 && !fits(line.slice(0, cut))) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}
