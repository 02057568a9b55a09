// Translations for everything the gateway says or writes to a customer. Resources are JSON files in
// locales/<lng>/<ns>.json, read once at start-up (synchronously: the files are small and nothing else runs yet), so
// adding a language is adding a folder and one entry in `supportedLocales`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import type { i18n as I18n, Resource } from 'i18next';

/** Languages with a folder under locales/. Anything else resolves to the closest of these, finally English. */
export const supportedLocales = ['en', 'hi'] as const;
export type SupportedLocale = (typeof supportedLocales)[number];

export const DEFAULT_LOCALE: SupportedLocale = 'en';

/** One file per namespace in every language folder. */
export const namespaces = ['common', 'menu', 'booking', 'handoff'] as const;
export type Namespace = (typeof namespaces)[number];

const DEFAULT_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));

let instance: I18n | undefined;
let loading: Promise<void> | undefined;

export interface I18nOptions {
  /** Where the language folders are; the repository's locales/ by default. */
  readonly dir?: string;
}

/** Loads every resource. Await once at start-up; later calls return the same promise. */
export function initI18n(options: I18nOptions = {}): Promise<void> {
  loading ??= load(options.dir ?? DEFAULT_DIR).catch((error: unknown) => {
    loading = undefined; // a later call may try again (a fixed file, a test with another dir)
    throw error;
  });
  return loading;
}

async function load(dir: string): Promise<void> {
  const resources: Resource = {};
  for (const lng of supportedLocales) {
    resources[lng] = {};
    for (const ns of namespaces) {
      const path = join(dir, lng, `${ns}.json`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        // Fail at start-up naming the file, rather than speak raw keys to callers later.
        throw new Error(`i18n: cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`i18n: ${path} must hold a JSON object`);
      }
      resources[lng][ns] = parsed as Record<string, unknown>;
    }
  }
  const next = i18next.createInstance();
  await next.init({
    resources,
    supportedLngs: [...supportedLocales],
    // hi-IN, en-GB ... are accepted and served by their language.
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: DEFAULT_LOCALE,
    ns: [...namespaces],
    defaultNS: 'common',
    // Texts go to speech synthesis and chat messages, never into HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = next;
}

function ready(): I18n {
  if (instance === undefined) throw new Error('i18n is not initialised: await initI18n() once at start-up');
  return instance;
}

/**
 * The text for `key` ("ns:key") in `locale`, falling back to English. `vars` fill {{placeholders}}; `context`
 * picks a variant such as `key_text` (the chat wording of a spoken prompt) when it exists.
 */
export function t(locale: string, key: string, vars: Readonly<Record<string, unknown>> = {}): string {
  return ready().t(key, { ...vars, lng: resolveLocale(locale) }) as string;
}

/** True when `key` exists in `locale` itself or through the fallback chain. */
export function hasKey(locale: string, key: string): boolean {
  return ready().exists(key, { lng: resolveLocale(locale) });
}

/**
 * The supported language that serves `locale`: hi-IN -> hi, en-IN -> en, ta -> en (until Tamil exists).
 * Speech synthesis uses it so a voice never reads text written in another language.
 */
export function resolveLocale(locale: string): SupportedLocale {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(locale)[0] ?? DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // not a BCP 47 tag
  }
  const lower = canonical.toLowerCase();
  const exact = supportedLocales.find((lng) => lng === lower);
  if (exact) return exact;
  const language = lower.split('-')[0];
  return supportedLocales.find((lng) => lng === language) ?? DEFAULT_LOCALE;
}

/**
 * A raw value from one language's own resources, without fallback (keyword lists are per language: merging
 * English words into the Hindi list would hide which language a customer wrote in).
 */
export function resourceOf(locale: SupportedLocale, ns: Namespace, key: string): unknown {
  return ready().getResource(locale, ns, key) as unknown;
}
