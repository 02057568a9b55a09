// The root logger. Personal data travels only under the keys listed in REDACTED_KEYS, which never reach the output.
import { pino } from 'pino';
import type { Logger } from './core/channel.ts';

/** Keys whose values are personal data: phone numbers, message text, transcripts. */
export const REDACTED_KEYS = ['from', 'to', 'phone', 'text', 'transcript', 'jid', '*.from', '*.to', '*.phone', '*.text', '*.transcript', '*.jid'];

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
