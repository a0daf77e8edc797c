import { connect, type Socket } from 'node:net';
import { Hl7Message } from '@medplum/core';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { frame, type Log, MllpDecoder } from './mllp.ts';
import { unescapeV2 } from './v2.ts';

/**
 * Test material of our own (tests that must not depend on ../shared): a SIU message builder and an MLLP client over a
 * real socket.
 */

/** One segment from its fields by position (`{ 1: 'a', 25: 'Booked' }` → `SCH|a|…|Booked`). */
export function segment(name: string, fields: Readonly<Record<number, string>>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const values = Array.from({ length: last }, (_, i) => fields[i + 1] ?? '');
  return [name, ...values].join('|');
}

/** The MSH, with fields numbered as the standard does (MSH-1 is the `|` itself, MSH-2 the encoding characters). */
export function mshSegment(fields: Readonly<Record<number, string>>): string {
  return segment('MSH', Object.fromEntries(Object.entries(fields).map(([n, v]) => [Number(n) - 1, v])));
}

export type SiuOptions = Readonly<{
  event?: 'S12' | 'S13' | 'S14' | 'S15';
  controlId?: string;
  version?: string;
  sent?: string;
  placer?: string;
  filler?: string;
  status?: string;
  start?: string;
  end?: string;
  mrn?: string;
  practitioner?: string;
  room?: string;
  /** Segment names to leave out (e.g. `['SCH']`). */
  omit?: readonly string[];
}>;

/** A small, valid SIU (v2.8 by default): one patient, one service, one practitioner, one room, one device. */
export function siu(o: SiuOptions = {}): string {
  const event = o.event ?? 'S12';
  const start = o.start ?? '20260601090000+0200';
  const lines = [
    mshSegment({
      2: '^~\\&',
      3: 'TestSched',
      4: 'TestClinic',
      5: 'CareLoop',
      6: 'CareLoop',
      7: o.sent ?? '20260520120000+0200',
      9: `SIU^${event}^SIU_${event}`,
      10: o.controlId ?? `CTL-${event}`,
      11: 'P',
      12: o.version ?? '2.8',
    }),
    segment('SCH', {
      1: o.placer ?? 'PL-1',
      2: o.filler ?? 'FL-1',
      7: 'FOLLOWUP',
      8: 'Normal',
      25: o.status ?? (event === 'S15' ? 'Cancelled' : 'Booked'),
    }),
    segment('TQ1', { 7: start, 8: o.end ?? '20260601093000+0200' }),
    segment('PID', { 1: '1', 3: `${o.mrn ?? 'MRN-1'}^^^TESTMRN^MR`, 5: 'Testperson^Alex', 7: '19800101', 8: 'F' }),
    segment('RGS', { 1: '1' }),
    segment('AIS', { 1: '1', 3: '99213^Office visit^C4', 4: start, 7: '30', 8: 'min' }),
    segment('AIG', { 1: '1', 3: 'EQ-7^Ultrasound^L', 4: 'EQ^Equipment^L' }),
    segment('AIL', { 1: '1', 3: `CLINIC^${o.room ?? 'ROOM1'}^^TESTFAC`, 4: 'C^Clinic^HL70305' }),
    segment('AIP', { 1: '1', 3: `${o.practitioner ?? 'P100'}^Doctor^Dana`, 4: 'ATT^Attending^L' }),
  ];
  return lines.filter((l) => !(o.omit ?? []).includes(l.slice(0, 3))).join('\r');
}

/** The parts of an ACK tests look at. */
export type Ack = Readonly<{
  code: string;
  /** MSA-2: the acknowledged message's control id. */
  controlId: string;
  messageType: string;
  /** ERR-2 (where) and ERR-3.1 (table 0357 code), ERR-8 (text). */
  errorAt: string;
  errorCode: string;
  errorText: string;
  /** MSA-3 (text before v2.7). */
  msaText: string;
  raw: string;
}>;

export function readAck(raw: string): Ack {
  const m = Hl7Message.parse(raw);
  const msa = m.getSegment('MSA');
  const err = m.getSegment('ERR');
  return {
    code: msa?.getField(1)?.toString() ?? '',
    controlId: msa?.getField(2)?.toString() ?? '',
    messageType: m.getSegment('MSH')?.getField(9)?.toString() ?? '',
    errorAt: err?.getField(2)?.toString() ?? '',
    errorCode: err?.getField(3)?.getComponent(1) ?? '',
    errorText: unescapeV2(err?.getField(8)?.toString() ?? ''),
    msaText: unescapeV2(msa?.getField(3)?.toString() ?? ''),
    raw,
  };
}

/** An MLLP client over a real TCP socket: frames what it sends, collects the framed ACKs in order. */
export class MllpClient {
  private readonly socket: Socket;
  private readonly decoder = new MllpDecoder();
  private readonly received: string[] = [];
  private readonly waiting: ((ack: string) => void)[] = [];
  /** Settles when the server closes the connection. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk).frames) {
        const text = f.toString('utf8');
        const next = this.waiting.shift();
        if (next) next(text);
        else this.received.push(text);
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new MllpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes bytes as they are (no framing). */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Frames and sends one message (text or bytes), and waits for its ACK. */
  async send(message: string | Buffer): Promise<Ack> {
    this.socket.write(frame(typeof message === 'string' ? Buffer.from(message, 'utf8') : message));
    return readAck(await this.next());
  }

  /** The next ACK received. */
  next(): Promise<string> {
    const ready = this.received.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }
}

/** A Log that keeps its lines (to check there is one per message, and no PHI in any). */
export function captureLog(): Log & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Rows of the store's tables: any write (create, update, delete) adds a version. */
export async function rowCounts(db: Db): Promise<{ resources: number; versions: number }> {
  const { rows } = await sql<{ resources: number; versions: number }>`
    SELECT (SELECT count(*)::int FROM resource) AS resources,
           (SELECT count(*)::int FROM resource_version) AS versions`.execute(db.kysely);
  return rows[0] as { resources: number; versions: number };
}
