import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, test } from 'vitest';
import { printable, wrap } from './pdf-text.ts';

let font: Awaited<ReturnType<PDFDocument['embedFont']>>;
beforeAll(async () => {
  font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
});

describe('printable: Helvetica (WinAnsi) text', () => {
  test.each([
    ['WinAnsi accents stay', 'José Núñez-Müller, Françoise Œuvre', 'José Núñez-Müller, Françoise Œuvre', false],
    ['a decomposed accent is composed first', 'Jose\u0301', 'José', false],
    ['Vietnamese loses only its extra marks', 'Nguyễn Thị Hương', 'Nguyen Thi Huong', true],
    ['Vietnamese đ', 'Đặng Văn Đức', 'Dang Van Duc', true],
    ['Polish ł', 'Łukasz Wałęsa', 'Lukasz Walesa', true],
    ['Chinese becomes ?', '王小明', '???', true],
    ['Arabic becomes ?', 'محمد', '????', true],
    ['emoji is one ?', 'Ana 🙂', 'Ana ?', true],
    ['tabs and odd spaces are spaces; invisible marks vanish', 'a\tb\u2003c\u200bd\u0007', 'a b cd', false],
    ['math signs spelled out', '≥ 40 ≤ 90 → ok', '>= 40 <= 90 -> ok', true],
    ['line breaks are kept for wrap()', 'one\ntwo', 'one\ntwo', false],
  ])('%s', (_name, input, expected, isReplaced) => {
    const print = printable(font);
    expect(print.text(input)).toBe(expected);
    expect(print.hasReplaced()).toBe(isReplaced);
    expect(() => font.encodeText(expected.replace(/\n/g, ''))).not.toThrow();
  });
});

describe('wrap', () => {
  test('words wrap at the width; paragraphs stay', () => {
    const lines = wrap('the quick brown fox jumps over the lazy dog\nsecond paragraph', font, 10, 80);
    for (const line of lines) expect(font.widthOfTextAtSize(line, 10)).toBeLessThanOrEqual(80);
    expect(lines.join(' ')).toBe('the quick brown fox jumps over the lazy dog second paragraph');
    expect(lines.at(-1)).toBe('paragraph');
    expect(lines).toContain('second');
  });

  test('a word longer than a line is broken, nothing lost', () => {
    const word = 'https://example.org/a/very/long/path/that/cannot/fit/on/one/line';
    const lines = wrap(word, font, 10, 60);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('')).toBe(word);
    for (const line of lines) expect(font.widthOfTextAtSize(line, 10)).toBeLessThanOrEqual(60);
  });

  test('an empty paragraph is an empty line', () => {
    expect(wrap('a\n\nb', font, 10, 100)).toEqual(['a', '', 'b']);
    expect(wrap('', font, 10, 100)).toEqual(['']);
  });
});
