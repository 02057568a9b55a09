// Hands a model event to the conversation's handler. A throwing handler is logged, never allowed to break the
// session's own loop (a menu, a socket reader): the conversation logs its own errors too.
import type { Logger } from '../core/channel.ts';
import type { ModelEvent, ModelEventHandler } from '../core/model.ts';
import { describeError } from '../errors.ts';

export function emitEvent(handler: ModelEventHandler | undefined, event: ModelEvent, log: Logger, model: string): void {
  if (handler === undefined) return;
  try {
    handler(event);
  } catch (error) {
    log.error({ err: error, event: event.type, model }, `event handler threw: ${describeError(error)}`);
  }
}
