// Translations: every language has every key with the same placeholders, in its own script, with the plural forms
// its CLDR rules ask for; lookups fall back the way callers need (es-MX -> es-419, mr -> hi -> en), and start-up
// fails loudly on a broken file instead of speaking raw keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as i18n from './i18n.ts';
import { fallbackChain, hasKey, initI18n, namespaces, resolveLocale, resourceOf, supportedLocales, t } from './i18n.ts';

const dir = fileURLToPath(new URL('../../locales/', import.meta.url));
const load = (lng: string, ns: string, from = dir): Record<string, unknown> => JSON.parse(readFileSync(join(from, lng, `${ns}.json`), 'utf8'));

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/u;

interface Leaf {
  /** Placeholders used, sorted ("business,digit"), or "list" for keyword arrays. */
  readonly vars: string;
  readonly value: unknown;
}

/** Every leaf as "path" -> its placeholders and value. */
function leaves(value: unknown, path = '', out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (typeof value === 'string') out.set(path, { vars: placeholders(value).join(','), value });
  else if (Array.isArray(value)) out.set(path, { vars: 'list', value });
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  return out;
}

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{\{(\w+)\}\}/gu)].map((m) => m[1]!))].sort();

/** Keys without their plural suffix, each with the plural categories it has ([] for a key that is not plural). */
function baseKeys(keys: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of keys) {
    const plural = PLURAL_SUFFIX.exec(key);
    const base = plural ? key.slice(0, plural.index) : key;
    const categories = out.get(base) ?? [];
    if (plural) categories.push(plural[1]!);
    out.set(base, categories);
  }
  return out;
}

const categoriesOf = (lng: string): string[] => [...new Intl.PluralRules(lng).resolvedOptions().pluralCategories].sort();

test('i18n: every language has every key of English, nothing empty, and the same placeholders', () => {
  for (const ns of namespaces) {
    const english = leaves(load('en', ns));
    const englishBases = baseKeys(english.keys());
    for (const lng of supportedLocales) {
      const own = leaves(load(lng, ns));
      assert.deepEqual([...baseKeys(own.keys()).keys()].sort(), [...englishBases.keys()].sort(), `${lng}/${ns}.json keys`);
      for (const [key, leaf] of own) {
        const where = `${lng}/${ns}.json ${key}`;
        if (leaf.vars === 'list') {
          const list = leaf.value as unknown[];
          assert.ok(list.length > 0 && list.every((word) => typeof word === 'string' && word.trim() !== ''), `${where}: empty list or word`);
          continue;
        }
        assert.notEqual((leaf.value as string).trim(), '', `${where} is empty`);
        const plural = PLURAL_SUFFIX.exec(key);
        // A plural form is compared with English's "other" form; it may also say the number itself.
        const reference = plural ? english.get(`${key.slice(0, plural.index)}_other`) : english.get(key);
        const allowed = plural ? new Set([...(reference?.vars.split(',') ?? []), 'count'].filter(Boolean)) : undefined;
        if (allowed) {
          const needed = (reference?.vars ?? '').split(',').filter(Boolean);
          const used = leaf.vars.split(',').filter(Boolean);
          assert.deepEqual(used.filter((name) => !allowed.has(name)), [], `${where}: placeholders English does not fill`);
          assert.deepEqual(needed.filter((name) => !used.includes(name)), [], `${where}: placeholders missing`);
        } else {
          assert.equal(leaf.vars, reference?.vars, `${where}: placeholders`);
        }
      }
    }
  }
});

test('i18n: plural keys have exactly the CLDR categories of each language (es-419 and pt-BR have "many")', () => {
  assert.deepEqual(categoriesOf('es-419'), ['many', 'one', 'other']);
  assert.deepEqual(categoriesOf('pt-BR'), ['many', 'one', 'other']);
  let pluralKeys = 0;
  for (const ns of namespaces) {
    for (const lng of supportedLocales) {
      for (const [key, categories] of baseKeys(leaves(load(lng, ns)).keys())) {
        if (categories.length === 0) continue;
        pluralKeys++;
        assert.deepEqual(categories.sort(), categoriesOf(lng), `${lng}/${ns}.json ${key}`);
      }
    }
  }
  assert.ok(pluralKeys >= supportedLocales.length * 2, `${pluralKeys} plural keys`);
});

test('i18n: texts in the Indian languages are written in their own script', () => {
  const scripts: Record<string, RegExp> = {
    hi: /\p{Script=Devanagari}/u,
    mr: /\p{Script=Devanagari}/u,
    ta: /\p{Script=Tamil}/u,
    te: /\p{Script=Telugu}/u,
    bn: /\p{Script=Bengali}/u,
    kn: /\p{Script=Kannada}/u,
  };
  for (const [lng, script] of Object.entries(scripts)) {
    for (const ns of namespaces) {
      for (const [key, leaf] of leaves(load(lng, ns))) {
        if (typeof leaf.value !== 'string') continue;
        // "{{digit}}: {{when}}" has no words of its own to be in any script.
        if (!/\p{L}/u.test(leaf.value.replace(/\{\{\w+\}\}/gu, ''))) continue;
        assert.match(leaf.value, script, `${lng}/${ns}.json ${key}`);
      }
      const keywords = (load(lng, 'menu') as { keywords: Record<string, string[]> }).keywords;
      for (const [intent, words] of Object.entries(keywords)) assert.ok(words.some((word) => script.test(word)), `${lng} ${intent}: no native word`);
    }
  }
});

test('i18n: the language names and the language menu option are in the language itself', async () => {
  await initI18n();
  const names: Record<string, string> = { en: 'English', 'en-IN': 'English', hi: 'हिन्दी', mr: 'मराठी', ta: 'தமிழ்', te: 'తెలుగు', bn: 'বাংলা', kn: 'ಕನ್ನಡ', 'pt-BR': 'português', 'es-419': 'español' };
  for (const lng of supportedLocales) assert.equal(t(lng, 'common:languageName'), names[lng], lng);
  const option = (lng: string): string => t(lng, 'menu:languageOption', { language: t(lng, 'common:languageName'), digit: 2 });
  assert.equal(option('ta'), 'தமிழ் மொழிக்கு 2 ஐ அழுத்தவும்.');
  assert.equal(option('hi'), 'हिन्दी के लिए 2 दबाएँ।');
  assert.equal(option('pt-BR'), 'Para português, tecle 2.');
  assert.equal(option('es-419'), 'Para español, marque 2.');
  assert.equal(option('en'), 'For English, press 2.');
});

test('i18n: t() fills placeholders, picks the chat variant and the plural form', async () => {
  await initI18n();
  assert.match(t('en', 'common:disclosure', { business: 'Asha Clinic' }), /virtual assistant of Asha Clinic.*AI/u);
  assert.match(t('hi', 'common:disclosure', { business: 'Asha Clinic' }), /Asha Clinic का वर्चुअल सहायक/u);
  assert.equal(t('hi-IN', 'menu:invalid'), t('hi', 'menu:invalid'));
  assert.match(t('en', 'menu:main', { context: 'text' }), /^Please reply/u);
  assert.match(t('en', 'menu:hours', { context: 'text', business: 'X' }), /^X is open/u); // no _text variant: plain key
  assert.equal(t('ta', 'common:goodbye', { business: 'X' }), 'X நிறுவனத்தை அழைத்ததற்கு நன்றி. வணக்கம்!');
  assert.equal(hasKey('en', 'menu:nope'), false);
  // Plural and context together: offerIntro_text_one, offerIntro_many.
  assert.equal(t('en', 'booking:offerIntro', { count: 1 }), 'I have one time free.');
  assert.equal(t('en', 'booking:offerIntro', { count: 3 }), 'I have these times free.');
  assert.equal(t('en', 'booking:offerIntro', { count: 1, context: 'text' }), 'This time is free:');
  assert.equal(t('es-419', 'booking:offerIntro', { count: 1 }), 'Tengo este horario disponible.');
  assert.equal(t('es-MX', 'booking:offerIntro', { count: 1_000_000 }), 'Tengo estos horarios disponibles.'); // _many
  assert.equal(t('pt-BR', 'booking:when', { count: 1, day: 'hoje', clock: '1h', period: '' }).trim(), 'hoje à 1h');
  assert.equal(t('pt-BR', 'booking:when', { count: 14, day: 'hoje', clock: '14h', period: '' }).trim(), 'hoje às 14h');
  assert.equal(t('es-419', 'booking:when', { count: 1, day: 'hoy', clock: '1', period: 'de la tarde' }), 'hoy a la 1 de la tarde');
});

test('i18n: resolveLocale maps tags to the language that serves them', () => {
  const cases: Array<[string, string]> = [
    ['en', 'en'], ['en-GB', 'en'], ['en-US', 'en'], ['en-IN', 'en-IN'], ['en-in', 'en-IN'],
    ['hi', 'hi'], ['hi-IN', 'hi'], ['HI', 'hi'], ['hi-Latn', 'hi'], ['mr-IN', 'mr'], ['ta-IN', 'ta'], ['ta-LK', 'ta'], ['te', 'te'], ['bn-BD', 'bn'], ['kn-IN', 'kn'],
    ['pt-BR', 'pt-BR'], ['pt', 'pt-BR'], ['pt-PT', 'pt-BR'],
    ['es-419', 'es-419'], ['es-MX', 'es-419'], ['es-AR', 'es-419'], ['es-CO', 'es-419'], ['es', 'es-419'], ['es-ES', 'es-419'],
    ['fr', 'en'], ['not a tag!', 'en'],
  ];
  for (const [input, expected] of cases) assert.equal(resolveLocale(input), expected, input);
});

test('i18n: fallback chains: es-MX -> es-419 -> en, mr -> hi -> en, pt-PT -> pt-BR -> en', async () => {
  await initI18n();
  assert.deepEqual(fallbackChain('es-MX'), ['es-419', 'en']);
  assert.deepEqual(fallbackChain('mr'), ['mr', 'hi', 'en']);
  assert.deepEqual(fallbackChain('pt-PT'), ['pt-BR', 'en']);
  assert.deepEqual(fallbackChain('en-IN'), ['en-IN', 'en']);
  assert.deepEqual(fallbackChain('ta'), ['ta', 'en']);
  assert.deepEqual(fallbackChain('zz'), ['en']);
  for (const tag of ['es-MX', 'es-AR', 'es-CO', 'es']) assert.equal(t(tag, 'common:goodbye', { business: 'X' }), 'Gracias por llamar a X. ¡Hasta luego!', tag);
  for (const tag of ['pt', 'pt-PT']) assert.equal(t(tag, 'menu:invalid'), 'Desculpe, essa não é uma das opções.', tag);
  assert.equal(t('en-IN', 'common:goodbye', { business: 'X' }), 'Thank you for calling X. Have a nice day!');
});

test('i18n: a text missing in Marathi comes from Hindi, one missing in both from English', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'locales-'));
  try {
    cpSync(dir, copy, { recursive: true });
    const drop = (lng: string, ns: string, key: string): void => {
      const resource = load(lng, ns, copy);
      delete resource[key];
      writeFileSync(join(copy, lng, `${ns}.json`), JSON.stringify(resource));
    };
    drop('mr', 'menu', 'invalid');
    drop('mr', 'common', 'oneMoment');
    drop('hi', 'common', 'oneMoment');
    drop('es-419', 'handoff', 'connecting');
    const fresh = (await import(`./i18n.ts?fallback=${Date.now()}`)) as Pick<typeof i18n, 't' | 'hasKey' | 'initI18n'>;
    await fresh.initI18n({ dir: copy });
    assert.equal(fresh.t('mr', 'menu:invalid'), 'माफ़ कीजिए, यह कोई विकल्प नहीं है।'); // Hindi
    assert.equal(fresh.t('mr', 'menu:anythingElse'), 'अजून कशात मदत हवी आहे का?'); // still Marathi
    assert.equal(fresh.t('mr-IN', 'common:oneMoment'), 'One moment, please.');
    assert.equal(fresh.t('es-MX', 'handoff:connecting'), 'Please hold. I am connecting you to a person now.');
    assert.equal(fresh.hasKey('mr', 'menu:invalid'), true);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('i18n: resourceOf returns one language without another mixed in', async () => {
  await initI18n();
  const hindi = resourceOf('hi', 'menu', 'keywords') as Record<string, string[]>;
  assert.ok(hindi['hours']?.includes('समय'));
  assert.ok(!hindi['hours']?.includes('hours'));
  const tamil = resourceOf('ta', 'menu', 'keywords') as Record<string, string[]>;
  assert.ok(tamil['bot']?.every((word) => !/^(are you|bot)$/u.test(word)));
});

test('i18n: a broken resource directory fails start-up naming the file', async () => {
  // A fresh module instance, so the shared one above stays initialised.
  const fresh = (await import(`./i18n.ts?broken=${Date.now()}`)) as { initI18n: typeof initI18n };
  await assert.rejects(fresh.initI18n({ dir: '/nonexistent/' }), /cannot load \/nonexistent\/en\/common\.json/u);
});
