import { createServer, type Server, type Socket } from 'node:net';

/**
 * The Minimal Lower Layer Protocol (HL7 v2.8 Appendix C, "MLLP release 2", C.4): each message travels as
 * `<VT> message <FS><CR>` (0x0B … 0x1C 0x0D) over TCP, and the receiver answers each with one framed acknowledgement,
 * in order. Our own small implementation on node:net (ADR 0005).
 */
const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
const LF = 0x0a;

/** Largest message accepted by default: 1 MiB (a SIU is a few kB; a sender streaming without end is cut off). */
const defaultMaxMessageBytes = 1024 * 1024;

/** What one chunk of bytes yielded. */
export type Decoded = Readonly<{
  /** Complete message payloads, without the framing bytes, in order. */
  frames: Buffer[];
  /** Bytes thrown away: outside any frame (other than line breaks), or of a frame cut off by a new start block. */
  discarded: number;
  /** The frame being read grew past the limit: the connection must be dropped. */
  overflow: boolean;
}>;

/**
 * Splits a TCP byte stream into MLLP frames, however the stream is chunked: several messages in one chunk, a message
 * (or its 0x1C 0x0D trailer) split across chunks. Bytes outside frames are discarded (C.4.3: a receiver ignores
 * what precedes a start block). A start block inside an unfinished frame abandons that frame. A lone 0x1C ends a frame
 * too: the 0x0D expected after it is then an outside byte, discarded like any line break.
 */
export class MllpDecoder {
  private readonly max: number;
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;

  constructor(maxMessageBytes = defaultMaxMessageBytes) {
    this.max = maxMessageBytes;
  }

  push(chunk: Buffer): Decoded {
    const frames: Buffer[] = [];
    let discarded = 0;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, i);
        discarded += countOutside(chunk, i, start === -1 ? chunk.length : start);
        if (start === -1) break;
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      const end = chunk.indexOf(FS, i);
      const restart = chunk.indexOf(VT, i);
      if (restart !== -1 && (end === -1 || restart < end)) {
        discarded += this.size + (restart - i);
        this.reset(true);
        i = restart + 1;
        continue;
      }
      const stop = end === -1 ? chunk.length : end;
      this.parts.push(chunk.subarray(i, stop));
      this.size += stop - i;
      if (this.size > this.max) {
        this.reset(false);
        return { frames, discarded, overflow: true };
      }
      if (end === -1) break;
      frames.push(Buffer.concat(this.parts, this.size));
      this.reset(false);
      i = end + 1;
    }
    return { frames, discarded, overflow: false };
  }

  private reset(inFrame: boolean): void {
    this.parts = [];
    this.size = 0;
    this.inFrame = inFrame;
  }
}

function countOutside(chunk: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (chunk[i] !== CR && chunk[i] !== LF) n++;
  return n;
}

/** A payload framed for the wire. */
export function frame(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.of(VT), payload, Buffer.of(FS, CR)]);
}

/** MSH-18 character sets (HL7 table 0211) read as Latin-1; everything else (and the usual empty field) as UTF-8. */
const latin1Sets = new Set(['8859/1', 'ISO-8859-1', 'ISO IR100']);

/**
 * A payload as text: UTF-8 unless MSH-18 names Latin-1 (MSH is ASCII, so it is read before choosing). A leading UTF-8
 * byte-order mark is dropped, and line breaks before MSH or after the last segment (files and some senders end
 * segments with `\n` rather than `\r`: the parser accepts both).
 */
export function decodePayload(payload: Buffer): { text: string; encoding: BufferEncoding } {
  const bytes = payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf ? payload.subarray(3) : payload;
  const encoding: BufferEncoding = latin1Sets.has(charsetOf(bytes.toString('latin1'))) ? 'latin1' : 'utf8';
  const text = bytes
    .toString(encoding)
    .replace(/^[\r\n]+/, '')
    .replace(/[\r\n]+$/, '');
  return { text, encoding };
}

function charsetOf(text: string): string {
  const line = text.replace(/^[\r\n]+/, '').split(/[\r\n]/, 1)[0] ?? '';
  if (!line.startsWith('MSH') || line.length < 4) return '';
  const fields = line.split(line.charAt(3));
  return (
    (fields[17] ?? '')
      .split(fields[1]?.charAt(1) || '~')[0]
      ?.trim()
      .toUpperCase() ?? ''
  );
}

/** The logging CareLoop's pino logger offers (never given message content). */
export type Log = Readonly<{
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}>;

export type MllpServerOptions = Readonly<{
  port: number;
  host: string;
  log: Log;
  /** Answers one message (text) with its acknowledgement (text); must not throw. */
  respond(text: string): Promise<string>;
  maxMessageBytes?: number;
}>;

export type MllpServer = Readonly<{
  /** The port listened on (the one assigned when 0 was asked for). */
  port: number;
  /** Stops accepting, lets every received message finish and be acknowledged, then closes the connections. */
  stop(): Promise<void>;
}>;

/** A connection answers its messages one at a time, in order; reading pauses while this many wait. */
const maxQueued = 8;

/** Listens for MLLP connections; each framed message is answered, in order, with `respond`'s framed ACK. */
export async function startMllpServer(options: MllpServerOptions): Promise<MllpServer> {
  const connections = new Map<Socket, { idle: Promise<void> }>();
  let stopping = false;
  const server: Server = createServer((socket) => {
    if (stopping) return void socket.destroy();
    connections.set(
      socket,
      serve(socket, options, () => stopping),
    );
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  let stopped: Promise<void> | undefined;
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all(
          [...connections].map(async ([socket, state]) => {
            await state.idle;
            socket.end();
            setTimeout(() => socket.destroy(), 1000).unref();
          }),
        );
        await closed;
      })();
      return stopped;
    },
  };
}

/** Reads frames from one connection and answers them in order; `idle` settles when nothing is left to answer. */
function serve(socket: Socket, options: MllpServerOptions, isStopping: () => boolean): { idle: Promise<void> } {
  const decoder = new MllpDecoder(options.maxMessageBytes);
  const state = { idle: Promise.resolve() };
  let queued = 0;
  socket.setNoDelay(true);
  socket.on('error', (e: NodeJS.ErrnoException) => options.log.warn({ code: e.code }, 'hl7v2: MLLP connection error'));
  socket.on('data', (chunk: Buffer) => {
    if (isStopping()) return;
    const { frames, discarded, overflow } = decoder.push(chunk);
    if (discarded) options.log.warn({ bytes: discarded }, 'hl7v2: discarded bytes outside MLLP frames');
    if (overflow) {
      options.log.warn(
        { limit: options.maxMessageBytes ?? defaultMaxMessageBytes },
        'hl7v2: message exceeds the size limit; connection dropped',
      );
      socket.destroy();
      return;
    }
    for (const payload of frames) {
      queued++;
      if (queued >= maxQueued) socket.pause();
      state.idle = state.idle
        .then(async () => {
          const { text, encoding } = decodePayload(payload);
          const ack = await options.respond(text);
          if (!socket.destroyed) socket.write(frame(Buffer.from(ack, encoding)));
          if (--queued < maxQueued && !isStopping()) socket.resume();
        })
        .catch((e: unknown) => {
          options.log.error({ err: e }, 'hl7v2: could not answer a message; connection dropped');
          socket.destroy();
        });
    }
  });
  return state;
}
