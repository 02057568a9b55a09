// lookup_faq as a customer meets it: a question in their language finds the business's own answer, a question the
// files do not cover says so (the model then offers a person), and a broken or missing file fails loudly for the
// operator without crashing the conversation.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Logger } from '../../core/channel.ts';
import type { ToolContext, ToolSpec } from '../../core/tool.ts';
import { supportedLocales } from '../../i18n/i18n.ts';
import { silentLogger } from '../../log.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { runTool } from '../tool-runner.ts';
import { DEFAULT_KNOWLEDGE_DIR, FAQ_NOT_FOUND_MESSAGE, faqTool, loadKnowledgeFile, tokenize } from './faq.ts';
import type { FaqEntry } from './faq.ts';

const store = new MemoryStore();
const temps: string[] = [];
after(async () => {
  await store.close();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

let calls = 0;
function contextFor(locale: string): Omit<ToolContext, 'signal'> {
  const callId = `call-${++calls}`;
  return { conversationId: 'faq-conv', channel: 'test', locale, callId, idempotencyKey: `faq-conv:${callId}`, store };
}

async function ask(tool: ToolSpec, locale: string, args: unknown) {
  const result = await runTool(new Map([[tool.name, tool]]), tool.name, JSON.stringify(args), contextFor(locale));
  return { outcome: result.outcome, body: JSON.parse(result.output) as Record<string, unknown> };
}

const shipped = faqTool({ log: silentLogger }) as ToolSpec;

function recordingLogger(): Logger & { warnings: Array<{ fields: object; message: string }> } {
  const warnings: Array<{ fields: object; message: string }> = [];
  const logger = { ...silentLogger, warnings, warn: (fields: object, message: string) => warnings.push({ fields, message }), child: () => logger };
  return logger;
}

async function tempKnowledge(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faq-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const entry = (id: string, keywords: string[], answer = `The answer about ${id}.`): FaqEntry => ({ id, question: `About ${id}?`, answer, keywords });

// ---- the shipped files ----

const SCRIPT: Record<string, RegExp> = {
  en: /\p{Script=Latin}/u, 'en-IN': /\p{Script=Latin}/u, 'pt-BR': /\p{Script=Latin}/u, 'es-419': /\p{Script=Latin}/u,
  hi: /\p{Script=Devanagari}/u, mr: /\p{Script=Devanagari}/u, ta: /\p{Script=Tamil}/u, te: /\p{Script=Telugu}/u,
  bn: /\p{Script=Bengali}/u, kn: /\p{Script=Kannada}/u,
};
const EMERGENCY_NUMBER: Record<string, RegExp> = {
  en: /\b112\b/u, 'en-IN': /\b112\b/u, hi: /112/u, mr: /112/u, ta: /112/u, te: /112/u, bn: /112/u, kn: /112/u,
  'pt-BR': /SAMU.*\b192\b/u, 'es-419': /\b911\b/u,
};
const CURRENCY: Record<string, RegExp> = {
  en: /rupees/u, 'en-IN': /rupees/u, hi: /रुपये/u, mr: /रुपये/u, ta: /ரூபாய்/u, te: /రూపాయలు/u, bn: /টাকা/u, kn: /ರೂಪಾಯಿ/u,
  'pt-BR': /reais/u, 'es-419': /pesos/u,
};
const INSTANT_PAYMENT: Record<string, RegExp> = {
  en: /UPI/u, 'en-IN': /UPI/u, hi: /यूपीआई/u, mr: /यूपीआय/u, ta: /யுபிஐ/u, te: /యూపీఐ/u, bn: /ইউপিআই/u, kn: /ಯುಪಿಐ/u,
  'pt-BR': /Pix/u, 'es-419': /transferencia/u,
};

describe('shipped knowledge files', () => {
  test('every locale the gateway serves has a valid file with the same 8 to 12 topics as English', async () => {
    const english = (await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, 'en.json'))).map((e) => e.id);
    for (const id of ['hours', 'address', 'parking', 'fees', 'what-to-bring', 'cancellation', 'payment', 'reports', 'emergency']) {
      assert.ok(english.includes(id), `en.json lacks ${id}`);
    }
    for (const locale of supportedLocales) {
      const entries = await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, `${locale}.json`));
      assert.ok(entries.length >= 8 && entries.length <= 12, `${locale}: ${entries.length} entries`);
      assert.deepEqual(entries.map((e) => e.id), english, `${locale}: topics differ from en.json`);
    }
  });

  test('answers are written in the language\u2019s own script and are one or two sentences', async () => {
    for (const locale of supportedLocales) {
      for (const { id, answer, question } of await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, `${locale}.json`))) {
        for (const text of [answer, question]) {
          const letters = text.match(/\p{L}/gu) ?? [];
          const native = letters.filter((letter) => SCRIPT[locale]!.test(letter));
          assert.equal(native.length, letters.length, `${locale}/${id}: letters outside the script in "${text}"`);
        }
        const sentences = answer.split(/[.!?\u0964](?:\s|$)/u).filter((part) => part.trim() !== '');
        assert.ok(sentences.length <= 2, `${locale}/${id}: ${sentences.length} sentences`);
      }
    }
  });

  test('each locale names its own emergency number, currency and instant payment', async () => {
    for (const locale of supportedLocales) {
      const byId = new Map((await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, `${locale}.json`))).map((e) => [e.id, e.answer]));
      assert.match(byId.get('emergency')!, EMERGENCY_NUMBER[locale]!, locale);
      assert.match(byId.get('fees')!, CURRENCY[locale]!, locale);
      assert.match(byId.get('payment')!, INSTANT_PAYMENT[locale]!, locale);
    }
  });
});

// ---- answering ----

describe('lookup_faq', () => {
  const hoursQuestions: Array<[string, string]> = [
    ['en', 'what time do you open'],
    ['en-IN', 'what are the clinic timings?'],
    ['hi', 'क्लिनिक कब खुलता है'],
    ['hi', 'clinic kab khulta hai'],
    ['mr', 'दवाखाना किती वाजता उघडतो?'],
    ['ta', 'கிளினிக் எத்தனை மணிக்கு திறக்கும்?'],
    ['te', 'క్లినిక్ ఎన్ని గంటలకు తెరుస్తారు?'],
    ['bn', 'ক্লিনিক কখন খোলে?'],
    ['kn', 'ಕ್ಲಿನಿಕ್ ಎಷ್ಟು ಗಂಟೆಗೆ ತೆರೆಯುತ್ತದೆ?'],
    ['pt-BR', 'que horas abre'],
    ['es-419', '¿a qué hora abren?'],
    ['es-MX', '¿a qué hora abren?'],
    ['es-AR', 'a que hora abren'],
  ];
  for (const [locale, question] of hoursQuestions) {
    test(`${locale}: "${question}" finds the opening hours in its own language`, async () => {
      const { outcome, body } = await ask(shipped, locale, { question });
      assert.equal(outcome, 'ok');
      assert.equal(body['found'], true);
      const answers = body['answers'] as Array<{ id: string; question: string; answer: string }>;
      assert.equal(answers[0]?.id, 'hours');
      assert.ok(answers.length <= 3);
      assert.match(answers[0]!.answer, /10/u);
      assert.ok(SCRIPT[body['locale'] as string]!.test(answers[0]!.answer));
    });
  }

  test('es-MX and es-AR are answered from the Latin American Spanish file', async () => {
    for (const locale of ['es-MX', 'es-AR']) {
      const { body } = await ask(shipped, locale, { question: '¿cuánto cuesta la consulta?' });
      assert.equal(body['locale'], 'es-419');
      assert.match((body['answers'] as Array<{ answer: string }>)[0]!.answer, /500 pesos/u);
    }
  });

  test('other topics find their entry: best answer first', async () => {
    const cases: Array<[string, string, string]> = [
      ['en', 'can I cancel my appointment?', 'cancellation'],
      ['en', 'do you take UPI', 'payment'],
      ['en', 'is there parking for my car', 'parking'],
      ['hi', 'रिपोर्ट कब मिलेगी', 'reports'],
      ['hi', 'फीस कितनी है', 'fees'],
      ['pt-BR', 'aceita pix?', 'payment'],
      ['pt-BR', 'preciso de um pronto-socorro', 'emergency'],
      ['es-419', 'me duele el pecho, ¿qué hago?', 'emergency'],
      ['ta', 'பார்க்கிங் இருக்கா', 'parking'],
      ['te', 'ఫీజు ఎంత', 'fees'],
      ['bn', 'রিপোর্ট কবে পাব', 'reports'],
      ['kn', 'ಕ್ಲಿನಿಕ್ ಎಲ್ಲಿದೆ', 'address'],
    ];
    for (const [locale, question, id] of cases) {
      const { body } = await ask(shipped, locale, { question });
      assert.equal((body['answers'] as Array<{ id: string }> | undefined)?.[0]?.id, id, `${locale}: ${question}`);
    }
  });

  test('a question the knowledge files do not cover says so, so the model offers a person', async () => {
    for (const [locale, question] of [['en', 'Can you recommend a good movie?'], ['hi', 'क्या आप पिज़्ज़ा बेचते हैं'], ['pt-BR', 'vocês vendem seguro de vida?']] as const) {
      const { outcome, body } = await ask(shipped, locale, { question });
      assert.equal(outcome, 'ok');
      assert.deepEqual(body, { found: false, message: FAQ_NOT_FOUND_MESSAGE }, `${locale}: ${question}`);
    }
  });

  test('an empty or overlong question is refused as invalid arguments, and the next call still works', async () => {
    for (const args of [{ question: '' }, { question: '   ' }, { question: 'x'.repeat(301) }, {}, { question: 42 }]) {
      const { outcome, body } = await ask(shipped, 'en', args);
      assert.equal(outcome, 'invalid_arguments', JSON.stringify(args));
      assert.equal((body['issues'] as Array<{ path: string }>)[0]?.path, 'question');
    }
    assert.equal((await ask(shipped, 'en', { question: 'parking?' })).body['found'], true);
  });

  test('is a lookup: idempotent, cancellable, with a short timeout', () => {
    assert.equal(shipped.name, 'lookup_faq');
    assert.equal(shipped.idempotent, true);
    assert.equal(shipped.cancellable, true);
    assert.equal(shipped.timeoutMs, 1_000);
  });
});

// ---- other directories: missing and broken files ----

describe('knowledge loading', () => {
  test('a language without a file is answered from English, with one warning for the operator', async () => {
    const dir = await tempKnowledge({ 'en.json': [entry('hours', ['open', 'hours']), entry('parking', ['parking'])] });
    const log = recordingLogger();
    const tool = faqTool({ dir, log }) as ToolSpec;
    for (let i = 0; i < 2; i++) {
      const { body } = await ask(tool, 'ta', { question: 'when do you open' });
      assert.equal(body['locale'], 'en');
      assert.equal((body['answers'] as Array<{ id: string }>)[0]?.id, 'hours');
    }
    assert.equal(log.warnings.length, 1, 'the file is looked for once, then remembered');
    assert.deepEqual(log.warnings[0]!.fields, { locale: 'ta', path: join(dir, 'ta.json') });
  });

  test('a malformed entry is reported naming the file, the entry and the field', async () => {
    const dir = await tempKnowledge({
      'en.json': [entry('hours', ['open']), { id: 'fees', question: 'How much?', answer: 'Five hundred rupees.', keywords: [] }],
      'hi.json': [entry('hours', ['open']), { id: 'Bad Id', question: 'q', answer: 'a', keywords: ['x'] }],
      'bn.json': '[{"id": "hours",',
      'kn.json': [entry('hours', ['open']), entry('hours', ['close'])],
      'ta.json': [entry('hours', ['...'])],
      'te.json': [{ ...entry('hours', ['open']), extra: true }],
    });
    await assert.rejects(loadKnowledgeFile(join(dir, 'en.json')), (error: Error) => {
      assert.match(error.message, new RegExp(`knowledge file ${join(dir, 'en.json').replace(/[\\/.]/gu, '\\$&')} is invalid`, 'u'));
      assert.match(error.message, /entry 1 \(id "fees"\) keywords: /u);
      return true;
    });
    await assert.rejects(loadKnowledgeFile(join(dir, 'hi.json')), /entry 1 \(id "Bad Id"\) id: must be lower-case letters, digits and dashes/u);
    await assert.rejects(loadKnowledgeFile(join(dir, 'bn.json')), /bn\.json is not valid JSON/u);
    await assert.rejects(loadKnowledgeFile(join(dir, 'kn.json')), /kn\.json is invalid: entry 1 repeats id "hours"/u);
    await assert.rejects(loadKnowledgeFile(join(dir, 'ta.json')), /entry 0 \(id "hours"\) has no keyword with a letter or digit/u);
    await assert.rejects(loadKnowledgeFile(join(dir, 'te.json')), /entry 0 \(id "hours"\).*extra/u);
  });

  test('a broken file fails only the call that needed it, with the reason, and is read again once fixed', async () => {
    const dir = await tempKnowledge({ 'en.json': [entry('hours', ['open'])], 'hi.json': '{"not": "an array"}' });
    const tool = faqTool({ dir, log: silentLogger }) as ToolSpec;
    const broken = await ask(tool, 'hi', { question: 'क्लिनिक कब खुलता है' });
    assert.equal(broken.outcome, 'failed');
    assert.match(broken.body['message'] as string, /hi\.json is invalid/u);
    assert.equal((await ask(tool, 'en', { question: 'open?' })).body['found'], true, 'other languages still answer');
    await writeFile(join(dir, 'hi.json'), JSON.stringify([entry('hours', ['खुलता'], 'सुबह 10 बजे।')]));
    const fixed = await ask(tool, 'hi', { question: 'क्लिनिक कब खुलता है' });
    assert.equal(fixed.body['locale'], 'hi');
  });

  test('a word in most entries alone is not an answer; a rarer one is', async () => {
    const dir = await tempKnowledge({
      'en.json': [entry('hours', ['clinic', 'open']), entry('fees', ['clinic', 'fee']), entry('parking', ['clinic', 'parking'])],
    });
    const tool = faqTool({ dir, log: silentLogger }) as ToolSpec;
    assert.equal((await ask(tool, 'en', { question: 'tell me about the clinic' })).body['found'], false);
    const { body } = await ask(tool, 'en', { question: 'clinic fee' });
    assert.deepEqual((body['answers'] as Array<{ id: string }>).map((a) => a.id), ['fees']);
  });
});

test('tokenize keeps whole words in every script and folds what customers type both ways', () => {
  assert.deepEqual(tokenize('क्लिनिक कब खुलता है?'), ['क्लिनिक', 'कब', 'खुलता', 'है']);
  assert.deepEqual(tokenize('¿A qué HORA abren?'), ['a', 'que', 'hora', 'abren']);
  assert.deepEqual(tokenize('फ़ीस'), tokenize('फीस'));
  assert.deepEqual(tokenize('कहाँ'), tokenize('कहां'));
  assert.deepEqual(tokenize('ರೋಡ್‌ನಲ್ಲಿ'), tokenize('ರೋಡ್ನಲ್ಲಿ'));
  assert.deepEqual(tokenize('10:00, 112!'), ['10', '00', '112']);
});
