// A first guess at a new chat's language from the customer's country code, among the languages the business serves.
// The conversation then follows what the customer actually writes.
const BY_COUNTRY_CODE: ReadonlyArray<readonly [prefix: string, locales: readonly string[]]> = [
  ['+91', ['en-IN', 'hi']],
  ['+55', ['pt-BR']],
  // Spanish-speaking Latin America: Mexico, Argentina, Colombia, Chile, Peru, Venezuela, Central America and more.
  ...['+52', '+54', '+57', '+56', '+51', '+58', '+593', '+591', '+595', '+598', '+502', '+503', '+504', '+505', '+506', '+507', '+53', '+1809', '+1829', '+1849'].map(
    (prefix) => [prefix, ['es-419', 'es']] as const,
  ),
];

export function localeForNumber(phone: string | undefined, enabled: readonly string[], fallback: string): string {
  if (phone === undefined) return fallback;
  const matches = BY_COUNTRY_CODE.filter(([prefix]) => phone.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length);
  for (const [, locales] of matches) {
    const found = locales.find((locale) => enabled.includes(locale));
    if (found) return found;
  }
  return fallback;
}
