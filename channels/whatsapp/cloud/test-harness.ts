// Test support for the Cloud transport (not loaded by the gateway): a real HTTP server on 127.0.0.1 with the webhook
// registered, the fake Graph API, a MemoryStore, a sink that records what it is given (and can be told to fail like
// a store that is down), and a logger that keeps every line so tests can read what an operator would see.
import { EventEmitter } from 'node:events';
import type { Logger } from '../../../src/core/channel.ts';
import { createHttpServer } from '../../../src/http/server.ts';
import { silentLogger } from '../../../src/log.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { startFakeGraph, type FakeGraph } from '../../../test/fakes/whatsapp-graph-server.ts';
import { waitUntil } from '../../../test/wait.ts';
import type { IncomingMessage, TransportSink } from '../transport.ts';
import { createCloudTransport, type CloudTransportHandle, type CloudTransportOptions } from './index.ts';

export const TOKEN = 'EAAtesttoken0123456789abcdefSECRET';
export const APP_SECRET = 'app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'verify-me-please';
export const PHONE_NUMBER_ID = '106540352242922';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    readonly bound: Record<string, unknown> = {},
  ) {}
  debug(fields: object, message: string): void {
    this.#push('debug', fields, message);
  }
  info(fields: object, message: string): void {
    this.#push('info', fields, message);
  }
  warn(fields: object, message: string): void {
    this.#push('warn', fields, message);
  }
  error(fields: object, message: string): void {
    this.#push('error', fields, message);
  }
  child(fields: object): Logger {
    return new RecordingLogger(this.lines, { ...this.bound, ...fields });
  }
  /** Everything logged, as one string, to search for what must never appear. */
  text(): string {
    return this.lines.map((line) => JSON.stringify({ ...line.fields, message: line.message }, (_key, value: unknown) => (value instanceof Error ? value.message : value))).join('\n');
  }
  #push(level: LogLine['level'], fields: object, message: string): void {
    this.lines.push({ level, fields: { ...this.bound, ...fields }, message });
  }
}

export class RecordingSink implements TransportSink {
  readonly received: IncomingMessage[] = [];
  readonly alerts: Array<{ kind: string; detail: Record<string, unknown> }> = [];
  /** While set, receive() rejects, as when the store cannot be reached. */
  failing: Error | undefined;
  readonly #updates = new EventEmitter();

  async receive(message: IncomingMessage): Promise<void> {
    if (this.failing) throw this.failing;
    this.received.push(message);
    this.#updates.emit('update');
  }

  alert(kind: string, detail: Record<string, unknown>): void {
    this.alerts.push({ kind, detail });
  }

  waitFor(count: number): Promise<void> {
    return waitUntil(this.#updates, () => this.received.length >= count, `${count} inbound messages`, 3000);
  }
}

export interface CloudHarness {
  readonly baseUrl: string;
  readonly graph: FakeGraph;
  readonly store: MemoryStore;
  readonly sink: RecordingSink;
  readonly log: RecordingLogger;
  readonly cloud: CloudTransportHandle;
  close(): Promise<void>;
}

export async function startCloudHarness(
  options: { readonly graphPrefix?: string; readonly transport?: Partial<CloudTransportOptions> } = {},
): Promise<CloudHarness> {
  const graph = await startFakeGraph({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, prefix: options.graphPrefix });
  const server = createHttpServer({ log: silentLogger });
  const store = new MemoryStore();
  const sink = new RecordingSink();
  const log = new RecordingLogger();
  const cloud = createCloudTransport({
    token: TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiUrl: graph.apiUrl,
    store,
    log,
    ...options.transport,
  });
  cloud.register(server.http, sink);
  const port = await server.listen(0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    graph,
    store,
    sink,
    log,
    cloud,
    async close() {
      await server.close();
      await graph.close();
      await store.close();
    },
  };
}
