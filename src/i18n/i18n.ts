// Translations for everything the gateway says or writes to a customer. Resources are JSON files in
// locales/<lng>/<ns>.json, read once at start-up (synchronously: the files are small and nothing else runs yet), so
// adding a language is adding a folder, one entry in `supportedLocales` and, when English is not the language to
// fall back to, one line in `FALLBACKS`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import type { i18n as I18n, Resource } from 'i18next';

/** Languages with a folder under locales/. Anything else resolves to the closest of these, finally English. */
export const supportedLocales = ['en', 'hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN', 'pt-BR', 'es-419'] as const;
export type SupportedLocale = (typeof supportedLocales)[number];

export const DEFAULT_LOCALE: SupportedLocale = 'en';

/**
 * Where a missing text is looked up next, after the language itself. Marathi speakers read Hindi (same script,
 * taught in school) far better than English; every other language falls back to English.
 */
const FALLBACKS: Readonly<Partial<Record<SupportedLocale, readonly SupportedLocale[]>>> = {
  mr: ['hi', 'en'],
};

// Every prompt and every typed message resolves its tag; the tags in use are few, so they are remembered (bounded:
// tags can come from outside).
const resolved = new Map<string, SupportedLocale>();
const MAX_RESOLVED = 1_000;

/** The languages `locale`'s texts come from, in order: es-MX -> es-419, en; mr -> mr, hi, en. */
export function fallbackChain(locale: string): readonly SupportedLocale[] {
  const served = resolveLocale(locale);
  if (served === DEFAULT_LOCALE) return [DEFAULT_LOCALE];
  return [served, ...(FALLBACKS[served] ?? [DEFAULT_LOCALE])];
}

/** One file per namespace in every language folder. */
export const namespaces = ['common', 'menu', 'booking', 'handoff', 'whatsapp'] as const;
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
  const fallbackLng: Record<string, string[]> = { default: [DEFAULT_LOCALE] };
  for (const lng of supportedLocales) fallbackLng[lng] = fallbackChain(lng).slice(1);
  const next = i18next.createInstance();
  await next.init({
    resources,
    supportedLngs: [...supportedLocales],
    // Callers' tags (es-MX, hi-IN, pt) are mapped by resolveLocale() before every lookup, so i18next only ever sees
    // a supported code and must not strip it to its language (es-419 -> es, which has no folder).
    load: 'currentOnly',
    fallbackLng,
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
 * The supported language that serves `locale`: the exact tag when there is a folder for it (en-IN, pt-BR), else
 * the one of its language with the same region, else the one of its language without a region (en-GB -> en), else
 * the only one of its language (es-MX, es-AR, es -> es-419; pt, pt-PT -> pt-BR; hi-IN -> hi), else English.
 * Speech synthesis uses it so a voice never reads text written in another language.
 */
export function resolveLocale(locale: string): SupportedLocale {
  const cached = resolved.get(locale);
  if (cached !== undefined) return cached;
  let canonical: Intl.Locale;
  try {
    canonical = new Intl.Locale(Intl.getCanonicalLocales(locale)[0] ?? DEFAULT_LOCALE);
  } catch {
    return DEFAULT_LOCALE; // not a BCP 47 tag
  }
  const candidates = supportedLocales.filter((lng) => new Intl.Locale(lng).language === canonical.language);
  const lower = canonical.baseName.toLowerCase();
  const found =
    candidates.find((lng) => lng.toLowerCase() === lower) ??
    candidates.find((lng) => canonical.region !== undefined && new Intl.Locale(lng).region === canonical.region) ??
    candidates.find((lng) => new Intl.Locale(lng).region === undefined) ??
    candidates[0] ??
    DEFAULT_LOCALE;
  if (resolved.size < MAX_RESOLVED) resolved.set(locale, found);
  return found;
}

/**
 * A raw value from one language's own resources, without fallback (keyword lists are per language: merging
 * English words into the Hindi list would hide which language a customer wrote in).
 */
export function resourceOf(locale: SupportedLocale, ns: Namespace, key: string): unknown {
  return ready().getResource(locale, ns, key) as unknown;
}
