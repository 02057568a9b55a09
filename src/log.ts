// The root logger. Personal data travels only under the keys listed in REDACTED_KEYS, which never reach the output.
import { pino } from 'pino';
import type { Logger } from './core/channel.ts';

const PERSONAL = ['from', 'to', 'phone', 'text', 'transcript', 'jid', 'chat', 'remoteJid', 'remoteJidAlt', 'participant', 'participantAlt', 'fromJid', 'pushName', 'remoteAddress'];
/** Keys whose values are personal data (phone numbers, WhatsApp ids as Baileys logs them, message text), at the top or one level down. */
export const REDACTED_KEYS = [...PERSONAL, ...PERSONAL.map((key) => `*.${key}`)];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'gateway' },
    redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: Logger = createLogger('silent');
