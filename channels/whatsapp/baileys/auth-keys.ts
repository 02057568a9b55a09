// Where a number's WhatsApp auth state lives in the store. Every signal key type Baileys keeps is listed here, and
// the compiler checks the list against Baileys' own SignalDataTypeMap, so a type added by an upgrade is not lost.
import type { SignalDataTypeMap } from '@whiskeysockets/baileys';

export type SignalKeyType = keyof SignalDataTypeMap;

export const SIGNAL_KEY_TYPES = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
] as const satisfies readonly SignalKeyType[];

type Unlisted = Exclude<SignalKeyType, (typeof SIGNAL_KEY_TYPES)[number]>;
// Fails to compile when Baileys knows a key type this list does not.
const everyTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyTypeListed;

export interface AuthKeys {
  readonly creds: string;
  key(type: SignalKeyType, id: string): string;
  /** A list of `<type>:<id>` for every key written, so a logout can wipe them without scanning the store. */
  readonly index: string;
}

export function authKeys(account: string): AuthKeys {
  const prefix = `whatsapp:${account}:auth:`;
  return {
    creds: `${prefix}creds`,
    key: (type, id) => `${prefix}key:${type}:${id}`,
    index: `${prefix}index`,
  };
}

export function indexEntry(type: SignalKeyType, id: string): string {
  return `${type}:${id}`;
}

/** Splits an index entry back; the type never contains a colon, the id may. */
export function parseIndexEntry(entry: string): { type: SignalKeyType; id: string } | undefined {
  const at = entry.indexOf(':');
  const type = entry.slice(0, at) as SignalKeyType;
  if (at < 0 || !(SIGNAL_KEY_TYPES as readonly string[]).includes(type)) return undefined;
  return { type, id: entry.slice(at + 1) };
}
