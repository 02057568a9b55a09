// Baileys logs through a pino-shaped logger and is chatty below warn. This hands it our logger (and so its redaction
// of personal data) for warnings and errors only, under component=baileys.
import type { Logger } from '../../../src/core/channel.ts';
import type { ILogger } from './socket.ts';

export type BaileysLogLevel = 'warn' | 'error' | 'silent';

export function baileysLogger(log: Logger, level: BaileysLogLevel = 'warn'): ILogger {
  return adapt(log.child({ component: 'baileys' }), level);
}

function adapt(log: Logger, level: BaileysLogLevel): ILogger {
  const ignore = (): void => undefined;
  const forward =
    (write: (fields: object, message: string) => void) =>
    (obj: unknown, msg?: string): void => {
      if (typeof obj === 'string') write({}, obj);
      else write(typeof obj === 'object' && obj !== null ? obj : { value: obj }, msg ?? '');
    };
  return {
    level,
    child: (fields) => adapt(log.child(fields), level),
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: level === 'warn' ? forward((fields, message) => log.warn(fields, message)) : ignore,
    error: level === 'silent' ? ignore : forward((fields, message) => log.error(fields, message)),
  };
}
