// Test support for this channel (not loaded by the gateway): a real HTTP server on 127.0.0.1 with the Twilio channel
// started on it, and a small fake conversation per call that records inbound events and can send outbound ones.
import { EventEmitter } from 'node:events';
import type { ChannelContext, ConversationRequest } from '../../src/core/channel.ts';
import type { Store } from '../../src/core/store.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { waitUntil } from '../../test/wait.ts';
import { createTwilioChannel, type TwilioChannelOptions } from './index.ts';
import { FakeConversation } from '../../test/fakes/fake-conversation.ts';

export { FakeConversation } from '../../test/fakes/fake-conversation.ts';


export interface HarnessOptions extends Partial<TwilioChannelOptions> {
  readonly publicUrl?: string;
  /** False leaves conversations unsubscribed, to test that events are held. */
  readonly autoListen?: boolean;
}

export interface Harness {
  readonly baseUrl: string;
  readonly prepared: ConversationRequest[];
  readonly conversations: FakeConversation[];
  readonly transfers: Array<{ callSid: string; to: string }>;
  readonly framesCounted: { in: number; out: number };
  /** Resolves with the n-th (0-based) conversation once its connection has been accepted. */
  conversation(index: number, timeoutMs?: number): Promise<FakeConversation>;
  /** Stops the channel (as on SIGTERM) but keeps the server up. */
  stopChannel(): Promise<void>;
  close(): Promise<void>;
}

let nextConversation = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = createHttpServer({ log: silentLogger, publicUrl: options.publicUrl });
  const accepted = new EventEmitter();
  const prepared: ConversationRequest[] = [];
  const conversations: FakeConversation[] = [];
  const transfers: Array<{ callSid: string; to: string }> = [];
  const framesCounted = { in: 0, out: 0 };
  const context: ChannelContext = {
    http: server.http,
    store: unusedStore,
    log: silentLogger,
    async prepareConversation(request) {
      prepared.push(request);
      return { conversationId: `conv-${++nextConversation}`, locale: request.locale ?? 'en-IN' };
    },
    translate: (_locale, key) => key,
    accept(connection) {
      const conversation = new FakeConversation(connection);
      if (options.autoListen !== false) conversation.listen();
      conversations.push(conversation);
      accepted.emit('update');
    },
    countFrames(_channel, direction, frames) {
      framesCounted[direction] += frames;
    },
  };
  const channel = createTwilioChannel({
    defaultLocale: 'en-IN',
    transfer: async (callSid, to) => void transfers.push({ callSid, to }),
    ...options,
  });
  await channel.start(context);
  const port = await server.listen(0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    prepared,
    conversations,
    transfers,
    framesCounted,
    async conversation(index, timeoutMs = 3000) {
      await waitUntil(accepted, () => conversations.length > index, `conversation ${index}`, timeoutMs);
      return conversations[index]!;
    },
    stopChannel: () => channel.stop(),
    async close() {
      await channel.stop();
      await server.close();
    },
  };
}

/** The channel never touches the store; a call here is a bug worth a loud failure. */
const unusedStore: Store = {
  kind: 'memory',
  get: () => unused(),
  set: () => unused(),
  delete: () => unused(),
  append: () => unused(),
  range: () => unused(),
  removeFromList: () => unused(),
  expire: () => unused(),
  appendEvent: () => unused(),
  readEvents: () => unused(),
  trimEventsBefore: () => unused(),
  enqueueJob: () => unused(),
  claimJobs: () => unused(),
  ackJob: () => unused(),
  acquireLease: () => unused(),
  renewLease: () => unused(),
  releaseLease: () => unused(),
  ping: () => unused(),
  close: () => unused(),
};

function unused(): never {
  throw new Error('the Twilio channel is not expected to use the store');
}
