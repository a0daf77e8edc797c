import { StringDecoder } from 'node:string_decoder';

/**
 * The lines of a byte stream (NDJSON), decoded as UTF-8 and yielded one at a time, so memory holds one chunk plus one
 * line whatever the file size. A leading BOM and the `\r` of CRLF endings are dropped; the last line needs no `\n`.
 * Pulling from the source only as lines are consumed gives the reader the source's backpressure.
 */
export async function* readLines(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  // Pieces of a line that spans chunks; joined once its end arrives, so a long line is not re-copied per chunk.
  let pending: string[] = [];
  let isFirst = true;
  const finish = (piece: string): string => {
    let line = pending.length ? pending.join('') + piece : piece;
    pending = [];
    if (isFirst) {
      isFirst = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      yield finish(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  const tail = decoder.end();
  if (tail) pending.push(tail);
  if (pending.length) yield finish('');
}
