import { atLeast, type FieldAt, versionOf } from './v2.ts';

/**
 * Original-mode application acknowledgements (HL7 v2.8 §2.9.2): MSA-1 `AA` (accepted and stored), `AE` (the message
 * was understood but is wrong or could not be stored) or `AR` (rejected: not a message CareLoop handles or can read).
 * Nothing is changed on AE or AR.
 */
export type AckCode = 'AA' | 'AE' | 'AR';

/** HL7 table 0357 (message error condition codes), the ones CareLoop answers with, and their names for ERR-3. */
export const errorCodes = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  207: 'Application internal error',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * Why a message is refused, thrown by parsing, the dispatcher and handlers. `text` is ours and names fields, never
 * their values (it goes into the ACK and the log: no PHI).
 */
export class V2Error extends Error {
  readonly ack: 'AE' | 'AR';
  readonly code: ErrorCode;
  readonly at: FieldAt | undefined;
  constructor(ack: 'AE' | 'AR', code: ErrorCode, text: string, at?: FieldAt) {
    super(text);
    this.ack = ack;
    this.code = code;
    this.at = at;
  }
}

/** The MSH of a received message read as text, so even a message the parser refuses gets an addressed ACK. */
export type Header = Readonly<{ fieldSeparator: string; encoding: string; fields: readonly string[] }>;

/**
 * The first segment when it is an MSH with sane delimiters (MSH-1 one character, MSH-2 four distinct ones, none a
 * letter, digit or line break; §2.5.1); undefined otherwise.
 */
export function readHeader(text: string): Header | undefined {
  const line = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  const fieldSeparator = line.charAt(3);
  if (!line.startsWith('MSH') || !fieldSeparator) return undefined;
  const fields = line.split(fieldSeparator);
  const encoding = fields[1] ?? '';
  const delimiters = fieldSeparator + encoding.slice(0, 4);
  if (encoding.length < 4 || new Set(delimiters).size !== 5 || /[A-Za-z0-9\s]/.test(delimiters)) return undefined;
  return { fieldSeparator, encoding, fields };
}

/** MSH-n as sent (MSH-1 is the field separator itself, MSH-2 the encoding characters). */
function msh(header: Header | undefined, n: number): string {
  if (!header) return '';
  return n === 1 ? header.fieldSeparator : (header.fields[n - 1] ?? '');
}

/** The first component of MSH-n, trimmed (MSH-9.1, MSH-12.1 …). */
export function mshComponent(header: Header | undefined, n: number, component = 1): string {
  const cs = header?.encoding.charAt(0) ?? '^';
  return (msh(header, n).split(cs)[component - 1] ?? '').trim();
}

export type AckInput = Readonly<{
  /** The received message's header; undefined when it had none (the ACK then has empty routing fields). */
  header: Header | undefined;
  code: AckCode;
  error?: Pick<V2Error, 'code' | 'message' | 'at'> | undefined;
  /** MSH-10 of the ACK itself. */
  controlId: string;
  /** MSH-7 of the ACK (a v2 DTM). */
  now: string;
}>;

/** Version of the ACK's layout when the message did not say (MSH-12 missing or unreadable). */
const defaultVersion = '2.5.1';

/**
 * The ACK for a received message (§2.9.2, §2.14.1): MSH with sending and receiving application and facility swapped,
 * MSH-9 `ACK^<trigger>^ACK`, the message's processing id (MSH-11), version (MSH-12) and character set (MSH-18); MSA
 * with the code and the message's control id; for AE/AR an ERR naming the segment and field (ERR-2, v2.5+; ERR-1
 * before) with the table 0357 code and our text (ERR-8; MSA-3 too before v2.7, which withdrew it). Segments end in CR.
 */
export function buildAck(input: AckInput): string {
  const { header, code, error } = input;
  const fs = header?.fieldSeparator ?? '|';
  const encoding = header?.encoding ?? '^~\\&';
  const cs = encoding.charAt(0);
  const ss = encoding.charAt(3);
  const esc = (text: string) => escapeWith(text, fs + encoding.slice(0, 4));
  const versionText = mshComponent(header, 12) || defaultVersion;
  const version = versionOf(versionText).length ? versionOf(versionText) : versionOf(defaultVersion);
  const trigger = mshComponent(header, 9, 2);
  const mshFields = [
    'MSH',
    encoding.slice(0, 4),
    msh(header, 5),
    msh(header, 6),
    msh(header, 3),
    msh(header, 4),
    input.now,
    '',
    trigger ? ['ACK', trigger, 'ACK'].join(cs) : 'ACK',
    esc(input.controlId),
    msh(header, 11) || 'P',
    msh(header, 12) || defaultVersion,
  ];
  const charset = msh(header, 18);
  if (charset) mshFields.push('', '', '', '', '', charset);
  const msa = ['MSA', code, msh(header, 10)];
  const out = [mshFields.join(fs)];
  if (error && !atLeast(version, [2, 7])) msa.push(esc(error.message.slice(0, 80)));
  out.push(msa.join(fs));
  if (error) out.push(errSegment(error, version, { fs, cs, ss, esc }).join(fs));
  return `${out.join('\r')}\r`;
}

type Delimiters = Readonly<{ fs: string; cs: string; ss: string; esc: (text: string) => string }>;

function errSegment(error: NonNullable<AckInput['error']>, version: number[], d: Delimiters): string[] {
  const at = error.at;
  const where = at ? [at.segment, String(at.sequence ?? 1), at.field === undefined ? '' : String(at.field)] : [];
  const name = errorCodes[error.code];
  if (!atLeast(version, [2, 5])) {
    // ERR-1 (ELD, v2.3–2.4): segment ^ sequence ^ field ^ code&text&table.
    return ['ERR', [...(where.length ? where : ['', '', '']), [error.code, name, 'HL70357'].join(d.ss)].join(d.cs)];
  }
  // ERR-2 (ERL): segment ^ sequence ^ field ^ repetition ^ component.
  const erl = at?.component === undefined ? where : [...where, '1', String(at.component)];
  return ['ERR', '', erl.join(d.cs), [error.code, name, 'HL70357'].join(d.cs), 'E', '', '', '', d.esc(error.message)];
}

/** Escapes text for a field of a message using `delimiters` (field, component, repetition, escape, subcomponent). */
function escapeWith(text: string, delimiters: string): string {
  const [f, c, r, e, s] = [...delimiters];
  const codes = new Map([
    [e, 'E'],
    [f, 'F'],
    [c, 'S'],
    [r, 'R'],
    [s, 'T'],
  ]);
  return [...text.replace(/[\r\n]+/g, ' ')].map((ch) => (codes.has(ch) ? `${e}${codes.get(ch)}${e}` : ch)).join('');
}
