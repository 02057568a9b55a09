// The few facts about the country every agent must get right: the emergency number to give, and the currency money
// is spoken in. They are the business's country's when its time zone tells it, else the customer's language's. The
// numbers are the ones the knowledge files tell customers (knowledge/*.json).
import { localeInfo } from '../../i18n/locale-info.ts';

export interface LocaleFacts {
  /** The number to call in a medical emergency. */
  readonly emergencyNumber: string;
  /** The service that answers it, where people know it by name (SAMU in Brazil). */
  readonly emergencyService?: string;
  /** ISO 4217. */
  readonly currency: string;
}

/** By region. 911 serves Mexico and almost all of Latin America; 112 reaches every service in India. */
const BY_REGION: Readonly<Record<string, LocaleFacts>> = {
  IN: { emergencyNumber: '112', currency: 'INR' },
  BR: { emergencyNumber: '192', emergencyService: 'SAMU', currency: 'BRL' },
  MX: { emergencyNumber: '911', currency: 'MXN' },
  '419': { emergencyNumber: '911', currency: 'MXN' },
  US: { emergencyNumber: '911', currency: 'USD' },
};

/** A region outside the table: the language's home market, else India, where the product (and its demo clinic) is. */
const BY_LANGUAGE: Readonly<Record<string, string>> = { es: '419', pt: 'BR' };
const FALLBACK_REGION = 'IN';

/** Where the business is, from its time zone: the emergency number and prices are the business's country's. */
const REGION_BY_TIME_ZONE: Readonly<Record<string, string>> = {
  'Asia/Kolkata': 'IN',
  'Asia/Calcutta': 'IN',
  'America/Sao_Paulo': 'BR',
  'America/Bahia': 'BR',
  'America/Fortaleza': 'BR',
  'America/Recife': 'BR',
  'America/Belem': 'BR',
  'America/Manaus': 'BR',
  'America/Cuiaba': 'BR',
  'America/Campo_Grande': 'BR',
  'America/Porto_Velho': 'BR',
  'America/Mexico_City': 'MX',
  'America/Monterrey': 'MX',
  'America/Merida': 'MX',
  'America/Cancun': 'MX',
  'America/Chihuahua': 'MX',
  'America/Mazatlan': 'MX',
  'America/Tijuana': 'MX',
  'America/Hermosillo': 'MX',
};

/**
 * The facts of the country the business is in (a caller of a clinic in India dials 112, whatever language they
 * speak), known from its time zone; a time zone outside the table falls back to the customer's locale.
 */
export function businessFacts(timeZone: string, locale: string): LocaleFacts {
  const region = REGION_BY_TIME_ZONE[timeZone];
  return (region === undefined ? undefined : BY_REGION[region]) ?? localeFacts(locale);
}

export function localeFacts(locale: string): LocaleFacts {
  let language: string | undefined;
  let region: string | undefined;
  try {
    ({ language, region } = localeInfo(locale));
  } catch {
    // A malformed tag: the product's home market.
  }
  const fromRegion = region === undefined ? undefined : BY_REGION[region];
  const fromLanguage = language === undefined ? undefined : BY_REGION[BY_LANGUAGE[language] ?? ''];
  return fromRegion ?? fromLanguage ?? BY_REGION[FALLBACK_REGION]!;
}

/** "Indian Rupee", for instructions. */
export function currencyName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}
