import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/index.ts';
import { dispatch, type Handlers } from './dispatch.ts';
import { type Log, type MllpServer, startMllpServer } from './mllp.ts';
import { siuHandlers } from './siu/mirror.ts';

/** Every message type CareLoop accepts over HL7 v2, by `MSH-9.1^MSH-9.2`; ADT handlers are added beside SIU's. */
const hl7v2Handlers = { ...siuHandlers } as const satisfies Handlers;

export type Hl7v2ListenerOptions = Readonly<{
  /** The replica's store; each message acts through `store.as(systemActor('hl7v2'))`. */
  store: Store;
  clock: Clock;
  log: Log;
  port: number;
  host: string;
  handlers?: Handlers;
  maxMessageBytes?: number;
}>;

/**
 * Starts the HL7 v2 listener of one replica: MLLP on `host:port`, each message dispatched to its handler and
 * acknowledged. Every replica may listen (writes are idempotent per message and per appointment); `stop()` stops
 * accepting and lets received messages finish.
 */
export async function startHl7v2Listener(options: Hl7v2ListenerOptions): Promise<MllpServer> {
  const deps = {
    handlers: options.handlers ?? hl7v2Handlers,
    store: options.store,
    clock: options.clock,
    log: options.log,
  };
  const server = await startMllpServer({
    port: options.port,
    host: options.host,
    log: options.log,
    respond: (text) => dispatch(text, deps),
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
  });
  options.log.info({ port: server.port }, 'hl7v2: MLLP listener started');
  return server;
}
