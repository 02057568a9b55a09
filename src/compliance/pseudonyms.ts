// Keyed pseudonyms for customer addresses and conversation ids, so the audit trail and the store's index keys can
// refer to a person without holding their phone number or WhatsApp id. HMAC-SHA256 with a server secret: without the
// secret a pseudonym cannot be turned back into a number by trying every number (there are only ~10^10 of them).
// Rotating the secret orphans every subject index, so it is its own setting (AUDIT_SECRET), not the admin token.
import { createHmac } from 'node:crypto';

/** 128 bits of the HMAC, hex: short enough for keys, far past any chance of two subjects colliding. */
const PSEUDONYM_HEX = 32;
const MIN_SECRET = 16;

export class Pseudonyms {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET) throw new RangeError(`the pseudonym secret must have at least ${MIN_SECRET} characters`);
    this.#secret = secret;
  }

  /** The same value for every spelling of one address: "+91 98765-43210", "919876543210@s.whatsapp.net", ... */
  subject(address: string): string {
    return this.#hmac('subject', normalizeSubject(address));
  }

  conversation(conversationId: string): string {
    return this.#hmac('conversation', conversationId);
  }

  #hmac(kind: string, value: string): string {
    // The kind keeps a conversation id and an address that happen to be equal strings from sharing a pseudonym.
    return createHmac('sha256', this.#secret).update(`${kind}\0${value}`).digest('hex').slice(0, PSEUDONYM_HEX);
  }
}

/**
 * One spelling per address. A phone number (E.164 from Twilio, a bare wa_id from the WhatsApp Cloud API, a Baileys
 * JID `<digits>[:device]@s.whatsapp.net`, 00 for +, with or without spaces, dashes, dots or brackets) becomes `+<digits>`, so an erasure
 * request for the number also finds the customer's WhatsApp conversations. Anything else (a widget visitor id) is
 * only trimmed.
 */
export function normalizeSubject(address: string): string {
  const trimmed = address.trim();
  const local = trimmed.replace(/@(s\.whatsapp\.net|c\.us)$/i, '').replace(/:\d+$/, '');
  const compact = local.replace(/[\s().-]/g, '');
  // 00 is the international call prefix most of the world dials instead of +.
  if (/^(\+|00)?\d{6,15}$/.test(compact)) return `+${compact.replace(/^(\+|00)/, '')}`;
  return trimmed;
}
