// What an operator needs to link the number: the state of the link, the QR text or the pairing code, and how to use
// them. An admin route shows `PairingState`; the terminal gets the same as text.
export type PairingStatus =
  | 'idle'
  | 'waiting_for_lease'
  | 'connecting'
  | 'qr'
  | 'code'
  | 'connected'
  | 'reconnecting'
  | 'logged_out'
  | 'forbidden'
  | 'replaced'
  | 'pairing_expired'
  | 'auth_unreadable'
  | 'stopped';

export interface PairingState {
  readonly status: PairingStatus;
  /** The text of the QR code to scan (WhatsApp > Linked devices > Link a device), while pairing. */
  readonly qr?: string;
  /** The 8-character code to type on the phone (Link with phone number instead), when a number is configured. */
  readonly code?: string;
  /** This account's own WhatsApp id, once connected. */
  readonly user?: string;
  /** Why the link stopped or what it is waiting for, in plain words. */
  readonly detail?: string;
  readonly updatedAt: number;
}

/** Statuses in which nothing happens until an operator asks for a new pairing (or restarts the gateway). */
export const STOPPED_STATUSES: ReadonlySet<PairingStatus> = new Set(['logged_out', 'forbidden', 'replaced', 'pairing_expired', 'auth_unreadable']);

export const STOP_DETAILS: Readonly<Record<string, string>> = {
  logged_out: 'The phone logged this device out. Its keys were wiped: pair the number again.',
  forbidden: 'WhatsApp refused this account (403). Check the number in the WhatsApp app before pairing again.',
  replaced: 'Another WhatsApp Web session keeps taking over this number. Close it, then pair again.',
  pairing_expired: 'Nobody scanned the QR codes in time. Ask for a new pairing.',
  auth_unreadable: 'The stored WhatsApp keys cannot be read. Pair the number again.',
};

/** The pairing instructions as terminal text. */
export function pairingText(state: PairingState, renderQr?: (text: string) => string): string | undefined {
  if (state.status === 'code' && state.code) {
    const code = `${state.code.slice(0, 4)}-${state.code.slice(4)}`;
    return `WhatsApp pairing code: ${code}\nOn the phone: WhatsApp > Linked devices > Link a device > Link with phone number instead, then type the code.\n`;
  }
  if (state.status === 'qr' && state.qr) {
    const picture = renderQr ? `${renderQr(state.qr)}\n` : '';
    return (
      `${picture}Scan this QR code with WhatsApp > Linked devices > Link a device.\n` +
      (picture ? '' : 'Turn this text into a QR code (any QR generator, or the admin page) and scan it:\n') +
      `${state.qr}\n`
    );
  }
  return undefined;
}
