// Test support for this channel (not loaded by the gateway): a real HTTP server on 127.0.0.1 with the web channel
// started on it, and a fake conversation per accepted call (the Twilio harness's) that records inbound events and
// lets the test send outbound ones.
import { EventEmitter } from 'node:events';
import type { ChannelContext, ConversationRequest } from '../../src/core/channel.ts';
import type { Store } from '../../src/core/store.ts';
import { createHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { waitUntil } from '../../test/wait.ts';
import { FakeConversation } from '../../test/fakes/fake-conversation.ts';
import { createWebChannel, type WebChannelOptions } from './index.ts';

export { FakeConversation };

export interface WebHarness {
  readonly baseUrl: string;
  readonly prepared: ConversationRequest[];
  readonly conversations: FakeConversation[];
  readonly framesCounted: { in: number; out: number };
  /** Resolves with the n-th (0-based) conversation once its connection has been accepted. */
  conversation(index: number, timeoutMs?: number): Promise<FakeConversation>;
  /** Stops the channel (as on SIGTERM) but keeps the server up. */
  stopChannel(): Promise<void>;
  close(): Promise<void>;
}

let nextConversation = 0;

export async function startWebHarness(options: Partial<WebChannelOptions> & { publicUrl?: string } = {}): Promise<WebHarness> {
  const server = createHttpServer({ log: silentLogger, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
  const accepted = new EventEmitter();
  const prepared: ConversationRequest[] = [];
  const conversations: FakeConversation[] = [];
  const framesCounted = { in: 0, out: 0 };
  const context: ChannelContext = {
    http: server.http,
    store: {} as Store, // the channel keeps nothing in the store
    log: silentLogger,
    async prepareConversation(request) {
      prepared.push(request);
      return { conversationId: `web-conv-${++nextConversation}`, locale: request.locale ?? 'en' };
    },
    translate: (_locale, key) => key,
    accept(connection) {
      const conversation = new FakeConversation(connection);
      conversation.listen();
      conversations.push(conversation);
      accepted.emit('update');
    },
    countFrames(_channel, direction, frames) {
      framesCounted[direction] += frames;
    },
  };
  const channel = createWebChannel({
    allowedOrigins: [],
    iceServers: [],
    offersPerMinute: 100,
    defaultLocale: 'en',
    locales: ['en', 'hi', 'pt-BR'],
    ...options,
  });
  await channel.start(context);
  const port = await server.listen(0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    prepared,
    conversations,
    framesCounted,
    async conversation(index, timeoutMs = 5000) {
      await waitUntil(accepted, () => conversations.length > index, `conversation ${index}`, timeoutMs);
      return conversations[index]!;
    },
    stopChannel: () => channel.stop(),
    async close() {
      await channel.stop();
      for (const conversation of conversations) conversation.connection.close('test over');
      await server.close();
    },
  };
}
