import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readLines } from './lines.ts';

async function collect(chunks: (Buffer | string)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(chunks)) out.push(line);
  return out;
}

describe('readLines', () => {
  test.each([
    ['LF endings', ['a\nb\n'], ['a', 'b']],
    ['no newline at the end', ['a\nb'], ['a', 'b']],
    ['CRLF endings', ['a\r\nb\r\n'], ['a', 'b']],
    ['a line split over chunks', ['{"a":', '1}\n{"b"', ':2}'], ['{"a":1}', '{"b":2}']],
    ['empty lines are kept (the caller skips them, line numbers stay right)', ['a\n\nb\n'], ['a', '', 'b']],
    ['a BOM is dropped', ['\uFEFFa\n'], ['a']],
    ['nothing', [], []],
  ])('%s', async (_name, chunks, expected) => {
    expect(await collect(chunks)).toEqual(expected);
  });

  test('a multi-byte character cut between chunks is decoded whole', async () => {
    const bytes = Buffer.from('é€😀\nok', 'utf8');
    expect(
      await collect([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4, 7), bytes.subarray(7)]),
    ).toEqual(['é€😀', 'ok']);
  });

  test('any split of the bytes gives the same lines as splitting the text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => l.replace(/[\r\n\uFEFF]/g, '')).join('\n'), 'utf8');
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
          // A final `\n` ends the last line rather than starting an empty one.
          const expected = bytes.length ? bytes.toString('utf8').replace(/\n$/, '').split('\n') : [];
          expect(await collect(chunks)).toEqual(expected);
        },
      ),
    );
  });
});
