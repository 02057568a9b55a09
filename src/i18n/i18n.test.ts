// Translations: every language has every key with the same placeholders, lookups fall back the way callers need,
// and start-up fails loudly on a broken file instead of speaking raw keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasKey, initI18n, namespaces, resolveLocale, resourceOf, supportedLocales, t } from './i18n.ts';

const dir = fileURLToPath(new URL('../../locales/', import.meta.url));
const load = (lng: string, ns: string): Record<string, unknown> => JSON.parse(readFileSync(`${dir}${lng}/${ns}.json`, 'utf8'));

/** Every leaf as "path" -> placeholders it uses (or "list" for keyword arrays). */
function shape(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') out.set(path, [...value.matchAll(/\{\{(\w+)\}\}/gu)].map((m) => m[1]).sort().join(','));
  else if (Array.isArray(value)) out.set(path, 'list');
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) shape(v, path ? `${path}.${k}` : k, out);
  return out;
}

test('i18n: every language has the same keys and placeholders as English', () => {
  for (const ns of namespaces) {
    const english = shape(load('en', ns));
    for (const lng of supportedLocales) {
      assert.deepEqual(Object.fromEntries(shape(load(lng, ns))), Object.fromEntries(english), `${lng}/${ns}.json`);
    }
  }
});

test('i18n: keyword lists are non-empty in every language', () => {
  for (const lng of supportedLocales) {
    const menu = load(lng, 'menu') as { keywords: Record<string, string[]>; numbers: Record<string, string[]> };
    for (const [intent, words] of Object.entries(menu.keywords)) assert.ok(words.length > 0, `${lng} ${intent}`);
    assert.ok(Object.keys(menu.numbers).length > 0, lng);
  }
});

test('i18n: Hindi texts are written in Devanagari', () => {
  const common = load('hi', 'common') as Record<string, string>;
  for (const [key, text] of Object.entries(common)) assert.match(text, /\p{Script=Devanagari}/u, key);
});

test('i18n: t() fills placeholders, picks the chat variant and falls back to English', async () => {
  await initI18n();
  assert.match(t('en', 'common:disclosure', { business: 'Asha Clinic' }), /virtual assistant of Asha Clinic.*AI/u);
  assert.match(t('hi', 'common:disclosure', { business: 'Asha Clinic' }), /Asha Clinic का वर्चुअल सहायक/u);
  assert.equal(t('hi-IN', 'menu:invalid'), t('hi', 'menu:invalid'));
  assert.match(t('en', 'menu:main', { context: 'text' }), /^Please reply/u);
  assert.match(t('en', 'menu:hours', { context: 'text', business: 'X' }), /^X is open/u); // no _text variant: plain key
  assert.equal(t('ta', 'common:goodbye', { business: 'X' }), 'Thank you for calling X. Goodbye!'); // no Tamil yet
  assert.equal(hasKey('en', 'menu:nope'), false);
});

test('i18n: resolveLocale maps tags to the language that serves them', async () => {
  await initI18n();
  const cases: Array<[string, string]> = [['en', 'en'], ['en-IN', 'en'], ['hi', 'hi'], ['hi-IN', 'hi'], ['HI', 'hi'], ['ta-IN', 'en'], ['pt-BR', 'en'], ['not a tag!', 'en']];
  for (const [input, expected] of cases) assert.equal(resolveLocale(input), expected, input);
});

test('i18n: resourceOf returns one language without English mixed in', async () => {
  await initI18n();
  const hindi = resourceOf('hi', 'menu', 'keywords') as Record<string, string[]>;
  assert.ok(hindi['hours']?.includes('समय'));
  assert.ok(!hindi['hours']?.includes('hours'));
});

test('i18n: a broken resource directory fails start-up naming the file', async () => {
  // A fresh module instance, so the shared one above stays initialised.
  const fresh = (await import(`./i18n.ts?broken=${Date.now()}`)) as { initI18n: typeof initI18n };
  await assert.rejects(fresh.initI18n({ dir: '/nonexistent/' }), /cannot load \/nonexistent\/en\/common\.json/u);
});
