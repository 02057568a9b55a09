// Identifiers recognised by their structure, having no public check digit: PAN, Indian mobile numbers, UPI ids
// and e-mail addresses. UPI ids and e-mail addresses share the `name@host` shape; the host decides which it is
// (a dotted domain is e-mail, a single alphabetic handle is UPI), so one is never reported as the other.

// Fourth character: the holder's status (Person, Company, HUF, Firm, AOP, Trust, BOI, Local authority,
// artificial Juridical person, Government).
const PAN = /^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$/;

/** Permanent Account Number, e.g. ABCPE1234F. Upper case only; callers upper-case typed input first. */
export function isValidPan(value: string): boolean {
  return value.length === 10 && PAN.test(value);
}

const MOBILE_IN = /^(?:91|0)?([6-9][0-9]{9})$/;

/**
 * The 10-digit national number of an Indian mobile written as digits only: 10 digits starting 6-9, optionally
 * after 91 (country code) or 0 (trunk prefix). Undefined when it is not one.
 */
export function indianMobileNational(digits: string): string | undefined {
  if (digits.length < 10 || digits.length > 12) return undefined;
  return MOBILE_IN.exec(digits)?.[1];
}

/** An Indian mobile number in any usual writing: +91 98765 43210, 098765-43210, 9876543210. */
export function isIndianMobile(text: string): boolean {
  const digits = text.replace(/^\+/, '').replace(/[\s.-]/g, '');
  return indianMobileNational(digits) !== undefined;
}

/**
 * Handles of UPI payment apps and banks (NPCI's published PSP handles, the common ones). An id on one of these is
 * UPI even if its name part is unusual; other handles are accepted when they follow the VPA grammar.
 */
export const UPI_HANDLES: ReadonlySet<string> = new Set([
  // apps
  'ybl', 'ibl', 'axl', 'okaxis', 'okhdfcbank', 'okicici', 'oksbi', 'paytm', 'ptyes', 'ptaxis', 'pthdfc', 'ptsbi',
  'apl', 'yapl', 'rapl', 'waaxis', 'wahdfcbank', 'waicici', 'wasbi', 'upi', 'axisb', 'ikwik', 'freecharge',
  'jupiteraxis', 'fam', 'sliceaxis', 'naviaxis', 'abfspay', 'timecosmos', 'pockets', 'myicici', 'hdfcbankjd',
  // banks
  'sbi', 'icici', 'hdfcbank', 'axisbank', 'kotak', 'kmbl', 'yesbank', 'yesbankltd', 'idfcbank', 'idfcfirst',
  'aubank', 'indus', 'federal', 'fbl', 'pnb', 'barodampay', 'unionbank', 'unionbankofindia', 'uboi', 'cnrb', 'boi',
  'mahb', 'centralbank', 'cbin', 'indianbank', 'idbi', 'idbibank', 'rbl', 'rblbank', 'dbs', 'hsbc', 'sc', 'citi',
  'citigold', 'airtel', 'jio', 'postbank', 'ippb', 'dlb', 'kvb', 'kbl', 'karb', 'tjsb', 'equitas', 'ujjivan',
  'ujjivansfb', 'allbank', 'andb', 'bandhan', 'csbpay', 'dcb', 'esaf', 'finobank', 'iob', 'jkb', 'lvb', 'nsdl',
  'psb', 'sib', 'tmb', 'uco', 'united', 'vijb',
]);

const UPI_NAME = /^[A-Za-z0-9._-]{2,256}$/;
const UPI_HANDLE = /^[A-Za-z]{2,64}$/;
const EMAIL_LOCAL = /^[A-Za-z0-9._%+-]{1,64}$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,24}$/;

/** Which of the two `name@host` identifiers this is, if either. */
export function classifyAddress(name: string, host: string): 'email' | 'upi' | undefined {
  if (host.includes('.')) {
    if (!EMAIL_LOCAL.test(name) || name.startsWith('.') || name.endsWith('.') || host.length > 253) return undefined;
    const labels = host.split('.');
    const tld = labels[labels.length - 1]!;
    return TLD.test(tld) && labels.every((label) => DOMAIN_LABEL.test(label)) ? 'email' : undefined;
  }
  if (!UPI_NAME.test(name) || !UPI_HANDLE.test(host)) return undefined;
  return 'upi';
}

/** A UPI virtual payment address, e.g. rahul.k@okhdfcbank or 9876543210@ybl. */
export function isUpiId(value: string): boolean {
  const at = value.indexOf('@');
  if (at < 0 || value.indexOf('@', at + 1) >= 0) return false;
  return classifyAddress(value.slice(0, at), value.slice(at + 1)) === 'upi';
}

/** An e-mail address with a dotted domain, e.g. priya@example.co.in. */
export function isEmail(value: string): boolean {
  const at = value.indexOf('@');
  if (at < 0 || value.indexOf('@', at + 1) >= 0) return false;
  return classifyAddress(value.slice(0, at), value.slice(at + 1)) === 'email';
}

/** A known UPI handle (upper or lower case). */
export function isKnownUpiHandle(handle: string): boolean {
  return UPI_HANDLES.has(handle.toLowerCase());
}
