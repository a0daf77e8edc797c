import { randomBytes } from 'node:crypto';
import { Hl7Message } from '@medplum/core';
import { systemActor } from '../../platform/access/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { type AckCode, buildAck, type Header, mshComponent, readHeader, V2Error } from './ack.ts';
import type { Log } from './mllp.ts';
import { formatV2 } from './timestamp.ts';
import { atLeast, fieldName, versionOf } from './v2.ts';

/** What a handler did with a message it accepted (all answered AA). */
export type HandlerResult = 'applied' | 'unchanged' | 'repeat' | 'stale';

/** What a handler gets: the store acting as `system:hl7v2` (fresh per message, so each message is its own audit). */
export type HandlerContext = Readonly<{ store: Store }>;

/**
 * Handles one parsed message; throws V2Error to answer AE/AR naming a field. Anything else thrown is answered AE with
 * a generic text (table 0357 code 207) and logged without content.
 */
export type MessageHandler = (message: Hl7Message, ctx: HandlerContext) => Promise<HandlerResult>;

/** Handlers by `MSH-9.1^MSH-9.2` (`SIU^S12`): data, so ADT handlers are added beside the SIU ones. */
export type Handlers = Readonly<Record<string, MessageHandler>>;

export type DispatchDeps = Readonly<{ handlers: Handlers; store: Store; clock: Clock; log: Log }>;

/** The actor every HL7 v2 write is made and audited as. */
const actor = systemActor('hl7v2');

/**
 * Answers one received message (text, one segment per line) with its ACK: AR when it cannot be read or is not a
 * message CareLoop handles, AE when the handler refuses it or storing fails, AA otherwise. Logs one line per message:
 * type, control id, outcome — never content.
 */
export async function dispatch(text: string, deps: DispatchDeps): Promise<string> {
  const header = readHeader(text);
  const type = header ? [mshComponent(header, 9), mshComponent(header, 9, 2)].join('^') : '';
  let code: AckCode = 'AA';
  let error: V2Error | undefined;
  let result: HandlerResult | undefined;
  try {
    const { message, handler } = route(text, header, deps.handlers);
    result = await handler(message, { store: deps.store.as(actor) });
  } catch (e) {
    error = asV2Error(e, deps.log);
    code = error.ack;
  }
  deps.log.info(
    {
      messageType: type.slice(0, 20),
      controlId: mshComponent(header, 10).slice(0, 64),
      ack: code,
      ...(result ? { result } : {}),
      ...(error ? { errorCode: error.code, errorAt: error.at && fieldName(error.at), errorText: error.message } : {}),
    },
    'hl7v2 message',
  );
  return buildAck({
    header,
    code,
    error,
    controlId: randomBytes(10).toString('hex'),
    now: formatV2(deps.clock.now()),
  });
}

/** Checks the header (HL7 v2.8 §2.14.9) and finds the handler; throws V2Error (AR) for what cannot be handled. */
function route(
  text: string,
  header: Header | undefined,
  handlers: Handlers,
): { message: Hl7Message; handler: MessageHandler } {
  if (!header)
    throw new V2Error('AR', 100, 'Not an HL7 v2 message: no MSH segment with valid delimiters (MSH-1, MSH-2)');
  const msh = (field: number, component?: number) => ({ segment: 'MSH', field, ...(component ? { component } : {}) });
  if (!mshComponent(header, 9) || !mshComponent(header, 9, 2)) {
    throw new V2Error('AR', 101, 'MSH-9 (message type and trigger event) is required', msh(9));
  }
  if (!mshComponent(header, 10)) throw new V2Error('AR', 101, 'MSH-10 (message control id) is required', msh(10));
  const version = versionOf(mshComponent(header, 12));
  if (!version.length || !atLeast(version, [2, 3]) || atLeast(version, [3])) {
    throw new V2Error('AR', 203, 'MSH-12: CareLoop accepts HL7 v2.3 to v2.9', msh(12));
  }
  const key = `${mshComponent(header, 9)}^${mshComponent(header, 9, 2)}`;
  const handler = handlers[key];
  if (!handler) {
    const known = Object.keys(handlers).some((k) => k.startsWith(`${mshComponent(header, 9)}^`));
    // Our text names only what CareLoop supports; the sender's MSH-9 is echoed in ERR-2 only as a location.
    throw known
      ? new V2Error('AR', 201, 'Unsupported trigger event for this message type', msh(9, 2))
      : new V2Error('AR', 200, `Unsupported message type (CareLoop accepts ${supported(handlers)})`, msh(9, 1));
  }
  let message: Hl7Message;
  try {
    message = Hl7Message.parse(text);
  } catch {
    throw new V2Error('AR', 100, 'The message could not be parsed');
  }
  return { message, handler };
}

const supported = (handlers: Handlers) => Object.keys(handlers).sort().join(', ');

/**
 * The refusal to answer for an error: V2Errors as they are; a resource the store rejects as invalid names the FHIR
 * elements (paths, never values); anything else (the database down, a bug) is a generic AE, logged without content.
 */
function asV2Error(e: unknown, log: Log): V2Error {
  if (e instanceof V2Error) return e;
  if (e instanceof OutcomeError && e.status === 400) {
    const where = (e.outcome.issue ?? []).flatMap((i) => i.expression ?? []).slice(0, 3);
    return new V2Error('AE', 102, `The mirrored resource would be invalid FHIR (${where.join(', ') || 'unknown'})`);
  }
  log.error({ err: e }, 'hl7v2: message could not be stored');
  return new V2Error('AE', 207, 'CareLoop could not store the message; nothing was changed. Send it again later');
}
