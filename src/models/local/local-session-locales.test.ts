// The local engine in every language a business can enable: greeting, menu, hours, booking (times said the way that
// language says them), hand-off and goodbye in each locale's own words; "are you a bot?" answered truthfully in
// any of them; the recording opt-out after the notice; typed text that switches the language; and the language
// menu, each option in its own language and voice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelEvent, ModelSession, ModelSessionOptions } from '../../core/model.ts';
import type { AnyToolSpec, ToolSpec } from '../../core/tool.ts';
import { rmsDbfs } from '../../audio/pcm.ts';
import { runTool } from '../../agent/tool-runner.ts';
import { appointmentTools } from '../../agent/tools/appointments.ts';
import { faqTool } from '../../agent/tools/faq.ts';
import { initI18n, t } from '../../i18n/i18n.ts';
import { localSessionOptions } from './local-test-kit.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { recordSession, type SessionRecorder } from '../../../test/session-recorder.ts';
import { createLocalModel } from './local-model.ts';
import type { LocalModel } from './local-model.ts';

// Tuesday 24 November 2026, 08:30 in India: the free slots are today at 10, 11 and 12.
const NOW = Date.parse('2026-11-24T03:00:00Z');
const BUSINESS = 'Asha Clinic';
const LOCALES = ['hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN', 'pt-BR', 'es-419'] as const;
const MENU_LANGUAGES = ['en-IN', 'hi', 'ta', 'es-419'];

/** What tells each language's text apart from the others. */
const LOOKS_LIKE: Readonly<Record<(typeof LOCALES)[number], RegExp>> = {
  hi: /\p{Script=Devanagari}/u,
  mr: /\p{Script=Devanagari}/u,
  ta: /\p{Script=Tamil}/u,
  te: /\p{Script=Telugu}/u,
  bn: /\p{Script=Bengali}/u,
  kn: /\p{Script=Kannada}/u,
  'en-IN': /\bpress\b|\breply\b|\bopen\b/iu,
  'pt-BR': /\btecle\b|\bresponda\b|\bfunciona\b/u,
  'es-419': /\bmarque\b|\bresponda\b|\batiende\b/u,
};

/** The first slot offered, as each language says it. */
const FIRST_SLOT: Readonly<Record<(typeof LOCALES)[number], string>> = {
  hi: 'आज सुबह 10 बजे',
  mr: 'आज सकाळ 10 वाजता',
  ta: 'இன்று காலை 10 மணி',
  te: 'ఈ రోజు ఉదయం 10 గంటలకు',
  bn: 'আজ সকালবেলায় 10টায়',
  kn: 'ಇಂದು ಬೆಳಗ್ಗೆ 10 ಗಂಟೆ',
  'en-IN': 'today at 10 in the morning',
  'pt-BR': 'hoje às 10h', // 24-hour clock
  'es-419': 'hoy a las 10 de la mañana',
};

let model: LocalModel;
let menuModel: LocalModel;
const stores: MemoryStore[] = [];
let tools: ReadonlyMap<string, ToolSpec>;

before(async () => {
  await initI18n();
  model = createLocalModel({ now: () => NOW, chunkMs: 100 });
  menuModel = createLocalModel({ now: () => NOW, chunkMs: 100, languageMenu: MENU_LANGUAGES });
  // One agent on its own (no hand_off): the menu as it has always been, whatever a team would change.
  const { checkAvailability, bookAppointment } = appointmentTools({ now: () => NOW });
  const alone: readonly AnyToolSpec[] = [checkAvailability, bookAppointment, faqTool()];
  tools = new Map(alone.map((tool) => [tool.name, tool]));
});
after(async () => {
  await Promise.all([model.close(), menuModel.close()]);
  await Promise.all(stores.map((store) => store.close()));
});

interface Harness extends SessionRecorder {
  readonly session: ModelSession;
  answer(call: Extract<ModelEvent, { type: 'tool_call' }>): Promise<void>;
}

/** A chat session (no audio) in `locale` unless told otherwise, with its own empty diary. */
async function open(locale: string, overrides: Partial<ModelSessionOptions> = {}, from: LocalModel = model): Promise<Harness> {
  const store = new MemoryStore();
  stores.push(store);
  const session = await from.connect(localSessionOptions(locale, [...tools.values()], overrides));
  return {
    session,
    ...recordSession(session, 10_000),
    async answer(call) {
      const result = await runTool(tools, call.name, call.arguments, {
        conversationId: 'conv',
        channel: 'whatsapp',
        locale,
        callId: call.callId,
        idempotencyKey: `conv:${call.callId}`,
        store,
      });
      session.sendToolResult(call.callId, result.output);
    },
  };
}

const assistant = (h: Harness): Promise<string> => h.next('transcript', (e) => e.role === 'assistant').then((e) => e.text);
const chat = (locale: string, key: string, vars: Record<string, unknown> = {}): string => t(locale, key, { business: BUSINESS, context: 'text', ...vars });
const lines = (...texts: string[]): string => texts.join('\n');

for (const locale of LOCALES) {
  test(`session ${locale}: greeting, menu, hours, booking and goodbye in chat, in ${locale}`, async () => {
    const h = await open(locale);
    const disclosure = chat(locale, 'common:disclosure');
    h.session.say(disclosure);
    h.session.createResponse();
    assert.equal(await assistant(h), disclosure);
    const menu = await assistant(h);
    assert.equal(menu, chat(locale, 'menu:main'));
    assert.match(menu, LOOKS_LIKE[locale]);

    h.session.sendText('1');
    const hours = await assistant(h);
    assert.equal(hours, lines(chat(locale, 'menu:hours'), chat(locale, 'menu:anythingElse'), menu));
    assert.match(hours, LOOKS_LIKE[locale]);

    h.session.sendText('2');
    await h.answer(await h.next('tool_call', (e) => e.name === 'check_availability'));
    const offer = (await assistant(h)).split('\n');
    assert.equal(offer[0], chat(locale, 'booking:offerIntro', { count: 3 }));
    assert.equal(offer[1], `1: ${FIRST_SLOT[locale]}`);
    assert.equal(offer.at(-1), chat(locale, 'booking:offerOutro'));

    h.session.sendText('1');
    await h.answer(await h.next('tool_call', (e) => e.name === 'book_appointment'));
    const confirmed = await assistant(h);
    assert.ok(confirmed.startsWith(chat(locale, 'booking:confirmed', { when: FIRST_SLOT[locale] })), confirmed);

    h.session.sendText('0');
    assert.equal(await assistant(h), chat(locale, 'common:goodbye'));
    await h.next('end_requested');
    assert.equal(h.count('locale_changed'), 0, 'the language stays as configured');
    await h.session.close();
  });

  test(`session ${locale}: 3 hands over in ${locale}`, async () => {
    const h = await open(locale);
    h.session.sendText('3');
    assert.equal(await assistant(h), chat(locale, 'handoff:connecting'));
    await h.next('transfer_requested');
    await h.session.close();
  });
}

const BOT_QUESTIONS: ReadonlyArray<[string, string]> = [
  ['hi', 'क्या आप रोबोट हैं?'],
  ['ta', 'நீங்கள் ரோபோவா?'],
  ['te', 'మీరు రోబోనా?'],
  ['bn', 'আপনি কি মানুষ?'],
  ['mr', 'तुम्ही रोबोट आहात का?'],
  ['kn', 'ನೀವು ರೋಬೋಟಾ?'],
  ['en-IN', 'Are you a real person?'],
  ['pt-BR', 'Você é um robô?'],
  ['es-419', '¿Es usted una persona real?'],
];

for (const [locale, question] of BOT_QUESTIONS) {
  test(`session ${locale}: "${question}" is answered truthfully, then the menu carries on`, async () => {
    const h = await open(locale);
    h.session.sendText(question);
    const answer = await assistant(h);
    assert.equal(answer, lines(chat(locale, 'common:botAnswer'), chat(locale, 'menu:main')));
    assert.equal(h.count('transfer_requested'), 0, 'asking is not asking for a person');
    assert.equal(h.count('locale_changed'), 0);
    await h.session.close();
  });
}

test('session: the bot question on the phone is spoken, in the language it was asked in', async () => {
  const h = await open('en-IN', { audioOutput: true, channel: 'twilio' });
  h.session.sendText('நீங்கள் ரோபோவா?');
  assert.equal((await h.next('locale_changed')).locale, 'ta');
  const answer = await assistant(h);
  assert.ok(answer.startsWith(t('ta', 'common:botAnswer', { business: BUSINESS })), answer);
  assert.match(answer, /செயற்கை நுண்ணறிவு/u); // "artificial intelligence"
  const audio = h.takeAudio();
  assert.ok(audio.length / 24_000 > 3, `${(audio.length / 24_000).toFixed(1)} s`);
  assert.ok(rmsDbfs(audio) > -35);
  await h.session.close();
});

test('session: after the recording notice, 8 opts out at once and is confirmed', async () => {
  const h = await open('en', { audioOutput: true, channel: 'twilio' });
  h.session.say(t('en', 'common:disclosure', { business: BUSINESS }));
  h.session.say(t('en', 'common:recordingNotice'));
  h.session.createResponse();
  assert.match(await assistant(h), /virtual assistant/u);
  assert.equal(await assistant(h), t('en', 'common:recordingNotice'));
  assert.match(await assistant(h), /^Press 1/u);
  h.session.sendDtmf('8');
  const warning = await h.next('warning');
  assert.equal(warning.code, 'recording_opt_out');
  assert.equal(await assistant(h), `${t('en', 'common:recordingOff')} ${t('en', 'menu:main')}`);
  // The warning went out before the confirmation started: the conversation stops recording before another word.
  const types = h.events.map((e) => e.type);
  assert.ok(types.indexOf('warning') < types.lastIndexOf('response_started'));
  h.session.sendDtmf('8');
  assert.match(await assistant(h), /^Understood/u);
  assert.equal(h.count('warning'), 1, 'one opt-out');
  await h.session.close();
});

test('session: "não gravar" in a Brazilian chat opts out after the written notice', async () => {
  const h = await open('pt-BR');
  h.session.say(chat('pt-BR', 'common:recordingNotice'));
  h.session.sendText('Por favor, não gravar.');
  assert.equal((await h.next('warning')).code, 'recording_opt_out'); // after the notice was sent, before the reply
  assert.equal(await assistant(h), lines(chat('pt-BR', 'common:recordingOff'), chat('pt-BR', 'menu:main')));
  await h.session.close();
});

test('session: without a recording notice, 8 is just not an option', async () => {
  const h = await open('hi');
  h.session.sendText('8');
  assert.equal(await assistant(h), lines(chat('hi', 'menu:invalid'), chat('hi', 'menu:main')));
  assert.equal(h.count('warning'), 0);
  await h.session.close();
});

const SWITCHES: ReadonlyArray<[from: string, text: string, to: string, key: string]> = [
  ['en', 'கிளினிக் எப்போது திறக்கும்?', 'ta', 'menu:hours'],
  ['en-IN', 'సమయం ఎంత?', 'te', 'menu:hours'],
  ['hi', 'সময় কখন?', 'bn', 'menu:hours'],
  ['en', 'ಸಮಯ ಏನು?', 'kn', 'menu:hours'],
  ['hi', 'उघडण्याची वेळ काय आहे?', 'mr', 'menu:hours'],
  ['en', 'क्लिनिक का समय?', 'hi', 'menu:hours'], // the Devanagari behaviour from before
  ['pt-BR', 'Quiero hablar con una persona, por favor', 'es-419', 'handoff:connecting'],
  ['es-419', 'Eu quero falar com uma pessoa', 'pt-BR', 'handoff:connecting'],
];

for (const [from, text, to, key] of SWITCHES) {
  test(`session: "${text}" in a ${from} chat switches to ${to}`, async () => {
    const h = await open(from);
    h.session.sendText(text);
    assert.equal((await h.next('locale_changed')).locale, to);
    assert.ok((await assistant(h)).startsWith(chat(to, key)));
    await h.session.close();
  });
}

test('session: romanized Hindi and one-word replies keep the language', async () => {
  const h = await open('en');
  h.session.sendText('mujhe insaan se baat karni hai');
  assert.equal(await assistant(h), chat('en', 'handoff:connecting'));
  const pt = await open('pt-BR');
  pt.session.sendText('hola');
  assert.equal(await assistant(pt), lines(chat('pt-BR', 'menu:invalid'), chat('pt-BR', 'menu:main')));
  assert.equal(h.count('locale_changed') + pt.count('locale_changed'), 0);
  await Promise.all([h.session.close(), pt.session.close()]);
});

test('session: text only switches to a language the business serves', async () => {
  const only = createLocalModel({ now: () => NOW, locales: ['en-IN', 'hi'] });
  try {
    const h = await open('en-IN', {}, only);
    h.session.sendText('கிளினிக் எப்போது திறக்கும்?');
    assert.equal(await assistant(h), lines(chat('en-IN', 'menu:hours'), chat('en-IN', 'menu:anythingElse'), chat('en-IN', 'menu:main')));
    assert.equal(h.count('locale_changed'), 0);
    await h.session.close();
  } finally {
    await only.close();
  }
});

/** The speech of `text` as a session in `locale` says it: the reference for the voice each segment must have. */
async function spoken(locale: string, text: string): Promise<Int16Array> {
  const h = await open(locale, { audioOutput: true, channel: 'twilio' }, menuModel);
  h.session.say(text);
  await h.next('response_done');
  const audio = h.takeAudio();
  await h.session.close();
  return audio;
}

const sameAudio = (a: Int16Array, b: Int16Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

test('session: the language menu speaks each option in its own language and voice, and a key switches', async () => {
  const h = await open('en-IN', { audioOutput: true, channel: 'twilio' }, menuModel);
  h.session.say(t('en-IN', 'common:disclosure', { business: BUSINESS }));
  h.session.createResponse();
  await assistant(h);
  h.takeAudio();
  const options = MENU_LANGUAGES.map((locale, index) => t(locale, 'menu:languageOption', { language: t(locale, 'common:languageName'), digit: index + 1 }));
  assert.deepEqual(options, ['For English, press 1.', 'हिन्दी के लिए 2 दबाएँ।', 'தமிழ் மொழிக்கு 3 ஐ அழுத்தவும்.', 'Para español, marque 4.']);
  assert.equal(await assistant(h), options.join(' '));
  await h.next('response_done');
  const menuAudio = h.takeAudio();

  // One response whose audio is the four options, each exactly as its own language's voice says it.
  const parts = await Promise.all(MENU_LANGUAGES.map((locale, index) => spoken(locale, options[index]!)));
  const expected = new Int16Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((offset, part) => (expected.set(part, offset), offset + part.length), 0);
  assert.ok(sameAudio(menuAudio, expected), `menu ${menuAudio.length} samples, options ${expected.length}`);
  assert.ok(!sameAudio(parts[1]!, await spoken('en-IN', options[1]!)), 'the Hindi option is not read by the English voice');

  h.session.sendDtmf('3');
  assert.equal((await h.next('locale_changed')).locale, 'ta');
  assert.equal(await assistant(h), t('ta', 'menu:main'));
  await h.next('response_done');
  assert.ok(sameAudio(h.takeAudio(), await spoken('ta', t('ta', 'menu:main'))), 'the main menu in the Tamil voice');
  await h.session.close();
});

test('session: a chat gets no language menu: what the customer writes chooses the language', async () => {
  const h = await open('en-IN', {}, menuModel);
  h.session.createResponse();
  assert.equal(await assistant(h), chat('en-IN', 'menu:main'));
  h.session.sendText('मुझे समय बताइए');
  assert.equal((await h.next('locale_changed')).locale, 'hi');
  await h.session.close();
});

test('session: no language menu for a session restored mid-conversation, nor after a language was written', async () => {
  const restored = await open('ta', { history: [{ role: 'assistant', text: 'வணக்கம்', at: NOW }] }, menuModel);
  restored.session.createResponse();
  assert.equal(await assistant(restored), chat('ta', 'menu:main'));
  await restored.session.close();

  const written = await open('en-IN', {}, menuModel);
  written.session.sendText('நேரம் என்ன?');
  assert.equal((await written.next('locale_changed')).locale, 'ta');
  assert.ok((await assistant(written)).startsWith(chat('ta', 'menu:hours')));
  written.session.createResponse();
  assert.equal(await assistant(written), chat('ta', 'menu:main'));
  await written.session.close();
});
