import { Hl7Message } from '@medplum/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { siu } from './hl7v2.fixture.ts';
import { decodePayload, frame, MllpDecoder } from './mllp.ts';

const VT = '\x0b';
const END = '\x1c\r';
const bytes = (s: string) => Buffer.from(s, 'latin1');
const texts = (frames: Buffer[]) => frames.map((f) => f.toString('latin1'));

/** Feeds `chunks` to one decoder and gathers what it yielded. */
function feed(chunks: string[], max?: number) {
  const decoder = new MllpDecoder(max);
  const out = { frames: [] as string[], discarded: 0, overflow: false };
  for (const c of chunks) {
    const r = decoder.push(bytes(c));
    out.frames.push(...texts(r.frames));
    out.discarded += r.discarded;
    out.overflow ||= r.overflow;
  }
  return out;
}

describe('MLLP framing (HL7 v2.8 Appendix C: <VT> message <FS><CR>)', () => {
  test.each([
    ['one message in one chunk', [`${VT}MSH|a${END}`], ['MSH|a'], 0],
    [
      'several messages in one chunk',
      [`${VT}MSH|a${END}${VT}MSH|b${END}${VT}MSH|c${END}`],
      ['MSH|a', 'MSH|b', 'MSH|c'],
      0,
    ],
    ['a message split inside its content', [`${VT}MSH|`, 'ab', `c${END}`], ['MSH|abc'], 0],
    ['the trailer split between FS and CR', [`${VT}MSH|a\x1c`, `\r${VT}MSH|b${END}`], ['MSH|a', 'MSH|b'], 0],
    ['the start block alone in a chunk', [VT, `MSH|a${END}`], ['MSH|a'], 0],
    ['line breaks between frames are not garbage', [`${VT}MSH|a${END}\r\n\n${VT}MSH|b${END}`], ['MSH|a', 'MSH|b'], 0],
    [
      'garbage before and between frames is discarded',
      [`xx${VT}MSH|a${END}garbage${VT}MSH|b${END}`],
      ['MSH|a', 'MSH|b'],
      9,
    ],
    ['a start block inside an unfinished frame abandons it', [`${VT}MSH|lost${VT}MSH|b${END}`], ['MSH|b'], 8],
    ['a lone FS ends a frame (the CR is optional)', [`${VT}MSH|a\x1c${VT}MSH|b\x1c`], ['MSH|a', 'MSH|b'], 0],
    ['an unfinished frame yields nothing yet', [`${VT}MSH|a`], [], 0],
  ])('%s', (_name, chunks, frames, discarded) => {
    const out = feed(chunks);
    expect(out.frames).toEqual(frames);
    expect(out.discarded).toBe(discarded);
    expect(out.overflow).toBe(false);
  });

  test('any chunking of a stream yields the same messages', () => {
    const messages = ['MSH|^~\\&|A|B', 'MSH|^~\\&|C\rPID|1', 'MSH|x'];
    const stream = messages.map((m) => `${VT}${m}${END}`).join('');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = points.slice(1).map((end, i) => stream.slice(points[i], end));
        expect(feed(chunks).frames).toEqual(messages);
      }),
    );
  });

  test('a message over the limit is reported as overflow, also when it grows across chunks', () => {
    expect(feed([`${VT}${'x'.repeat(11)}${END}`], 10).overflow).toBe(true);
    expect(feed([`${VT}xxxxxx`, 'xxxxxx'], 10).overflow).toBe(true);
    expect(feed([`${VT}${'x'.repeat(10)}${END}`], 10)).toEqual({
      frames: ['x'.repeat(10)],
      discarded: 0,
      overflow: false,
    });
  });

  test('frame() writes the start block, the payload and FS CR', () => {
    expect(frame(bytes('MSH|a')).toString('latin1')).toBe(`${VT}MSH|a${END}`);
  });
});

describe('message text from a payload', () => {
  const message = siu();
  const segmentsOf = (text: string) => Hl7Message.parse(text).segments.map((s) => s.toString());

  test('segments ending in \\n, \\r\\n or \\r parse to the same segments', () => {
    const withCr = decodePayload(Buffer.from(message)).text;
    const withLf = decodePayload(Buffer.from(`${message.replaceAll('\r', '\n')}\n`)).text;
    const withCrLf = decodePayload(Buffer.from(`${message.replaceAll('\r', '\r\n')}\r\n`)).text;
    expect(segmentsOf(withLf)).toEqual(segmentsOf(withCr));
    expect(segmentsOf(withCrLf)).toEqual(segmentsOf(withCr));
    expect(segmentsOf(withCr)).toHaveLength(9);
  });

  test('a UTF-8 byte-order mark before MSH is dropped', () => {
    const withBom = Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(message)]);
    const { text, encoding } = decodePayload(withBom);
    expect(text.startsWith('MSH|')).toBe(true);
    expect(encoding).toBe('utf8');
  });

  test('UTF-8 by default; Latin-1 when MSH-18 says 8859/1', () => {
    const name = 'Müller';
    expect(decodePayload(Buffer.from(`MSH|^~\\&|A\rPID|1||||${name}`, 'utf8')).text).toContain(name);
    const latin = `MSH|^~\\&|A|B|C|D|20260101+0000||SIU^S12|1|P|2.5||||||8859/1\rPID|1||||${name}`;
    const decoded = decodePayload(Buffer.from(latin, 'latin1'));
    expect(decoded.encoding).toBe('latin1');
    expect(decoded.text).toContain(name);
  });
});
