// Every locale on the phone: the greeting discloses the AI in the caller's language and the keypad menu answers in
// it; and a call that starts with the language menu switches to the language the caller picks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { t } from '../../src/i18n/i18n.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeFile } from '../../src/agent/tools/faq.ts';
import { placeCall } from '../fakes/twilio-client.ts';
import { eventually } from '../wait.ts';

const LOCALES = ['hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN', 'pt-BR', 'es-419'] as const;
const BUSINESS = 'Asha Clinic';

async function transcriptOf(gateway: Gateway, id: string): Promise<string[]> {
  return (await gateway.conversations.records.transcript(id)).map((entry) => entry.text);
}

describe('phone calls in each language', () => {
  let gateway: Gateway;
  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PHONE_LANGUAGE_MENU: 'false' });
    gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore() });
  });
  after(() => gateway?.shutdown(500));

  for (const locale of LOCALES) {
    test(`${locale}: disclosure first, then the keypad menu, in ${locale}`, async () => {
      const call = await placeCall({ baseUrl: gateway.url, query: { locale } });
      const id = call.customParameters.conversationId!;
      await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
      assert.ok(call.receivedDbfs() > -35, 'the greeting is audible');
      const texts = await transcriptOf(gateway, id);
      assert.equal(texts[0], t(locale, 'common:disclosure', { business: BUSINESS }), 'the AI disclosure, in the caller\u2019s language, comes first');
      call.pressDigit('1');
      // The team's router answers from the knowledge texts written in the caller's language.
      const hours = (await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, `${locale}.json`))).find((entry) => entry.id === 'hours')!.answer;
      await eventually(`the opening hours in ${locale}`, async () => (await transcriptOf(gateway, id)).some((text) => text.includes(hours)), 3000);
      await call.hangUp();
    });
  }
});

describe('the language menu at the start of a call', () => {
  let gateway: Gateway;
  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEFAULT_LOCALE: 'en-IN' });
    gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore() });
  });
  after(() => gateway?.shutdown(500));

  test('offers each language in its own words and switches to the one the caller picks', async () => {
    const call = await placeCall({ baseUrl: gateway.url });
    const id = call.customParameters.conversationId!;
    await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
    await eventually('the language options', async () => {
      const texts = (await transcriptOf(gateway, id)).join('\n');
      return texts.includes(t('ta', 'menu:languageOption', { language: t('ta', 'common:languageName'), digit: 2 }));
    }, 3000);
    call.pressDigit('2'); // Tamil, the second of LOCALES
    const main = t('ta', 'menu:mainWithStatus'); // a team's menu: option 4 is the caller's booking
    await eventually('the main menu in Tamil', async () => (await transcriptOf(gateway, id)).some((text) => text.includes(main)), 3000);
    assert.equal((await gateway.conversations.records.get(id))?.locale, 'ta');
    await call.hangUp();
  });
});
