import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from './outbox.ts';
import { SendError, type WhatsAppTransport } from './transport.ts';

/** A transport whose sendText fails as scripted, recording what it was asked. */
function scriptedTransport(failures: Array<SendError | undefined> = []) {
  const sent: Array<{ chat: string; text: string; at: number }> = [];
  const attempts: string[] = [];
  const transport: WhatsAppTransport = {
    name: 'cloud',
    downloadAudio: () => Promise.reject(new Error('unused')),
    async sendText(chat, text) {
      attempts.push(text);
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push({ chat, text, at: Date.now() });
    },
    sendVoiceNote: () => Promise.resolve(),
    setPresence: () => Promise.resolve(),
    markRead: () => Promise.resolve(),
  };
  return { transport, sent, attempts };
}

const outbox = (alerts: string[] = [], extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) =>
  new Outbox({ intervalMs: 0, retryDelaysMs: [1, 1], alert: (kind) => alerts.push(kind), log: silentLogger, ...extra });

test('sends to one chat keep their order and their spacing', async () => {
  const { transport, sent } = scriptedTransport();
  const box = outbox([], { intervalMs: 40 });
  await Promise.all(['one', 'two', 'three'].map((text) => box.send(transport, '5511', 'text', (via) => via.sendText('5511', text))));
  assert.deepEqual(sent.map((entry) => entry.text), ['one', 'two', 'three']);
  for (let i = 1; i < sent.length; i++) assert.ok(sent[i]!.at - sent[i - 1]!.at >= 39, `gap ${sent[i]!.at - sent[i - 1]!.at} ms`);
});

test('a retryable failure is tried again and the message goes out', async () => {
  const { transport, sent, attempts } = scriptedTransport([new SendError('rate limited', 'retryable', 429)]);
  await outbox().send(transport, '5511', 'text', (via) => via.sendText('5511', 'hello'));
  assert.deepEqual(attempts, ['hello', 'hello']);
  assert.equal(sent.length, 1);
});

test('a 463 ban signal is never retried, raises an alert and stops every later send', async () => {
  const alerts: string[] = [];
  const { transport, attempts } = scriptedTransport([new SendError('463', 'banned', 463)]);
  const box = outbox(alerts);
  await box.send(transport, '5511', 'text', (via) => via.sendText('5511', 'first'));
  await box.send(transport, '5522', 'text', (via) => via.sendText('5522', 'second'));
  assert.deepEqual(attempts, ['first'], 'one attempt, and nothing after the ban');
  assert.deepEqual(alerts, ['banned']);
});

test('outside the 24-hour window the template hook runs instead of a retry', async () => {
  const hooked: string[] = [];
  const { transport, attempts } = scriptedTransport([new SendError('window closed', 'window')]);
  await outbox([], { onWindowClosed: async (_via, chat) => void hooked.push(chat) }).send(transport, '5511', 'text', (via) => via.sendText('5511', 'late'));
  assert.deepEqual(attempts, ['late']);
  assert.deepEqual(hooked, ['5511']);
});

test('a rejected message is given up at once and does not block the next one', async () => {
  const { transport, sent, attempts } = scriptedTransport([new SendError('bad recipient', 'rejected', 400)]);
  const box = outbox();
  await box.send(transport, '5511', 'text', (via) => via.sendText('5511', 'bad'));
  await box.send(transport, '5511', 'text', (via) => via.sendText('5511', 'good'));
  assert.deepEqual(attempts, ['bad', 'good']);
  assert.deepEqual(sent.map((entry) => entry.text), ['good']);
});
