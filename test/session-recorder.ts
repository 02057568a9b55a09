// Records what a ModelSession emits, listening the way the conversation does (right after connect, audio copied
// because it is only lent for the duration of the call), and waits for the events a test expects, in order.
import { EventEmitter } from 'node:events';
import type { ModelEvent, ModelSession } from '../src/core/model.ts';
import { concatPcm } from './concat-pcm.ts';
import { waitUntil } from './wait.ts';

type EventOf<T extends ModelEvent['type']> = Extract<ModelEvent, { type: T }>;

export interface SessionRecorder {
  readonly events: ModelEvent[];
  /** The next event of `type` that matches, after the previous match of any type (events are taken in order). */
  next<T extends ModelEvent['type']>(type: T, match?: (event: EventOf<T>) => boolean, timeoutMs?: number): Promise<EventOf<T>>;
  /** Audio heard since the last call, concatenated. */
  takeAudio(): Int16Array;
  count(type: ModelEvent['type']): number;
}

/** Starts listening to `session`; next() waits `timeoutMs` unless told otherwise. */
export function recordSession(session: ModelSession, timeoutMs: number): SessionRecorder {
  const events: ModelEvent[] = [];
  const audio: Int16Array[] = [];
  const updates = new EventEmitter();
  let cursor = 0;
  session.listen((event) => {
    if (event.type === 'audio') audio.push(event.pcm.slice());
    events.push(event);
    updates.emit('update');
  });
  return {
    events,
    async next(type, match = () => true, waitMs = timeoutMs) {
      let found: ModelEvent | undefined;
      const look = (): boolean => {
        for (; cursor < events.length; cursor++) {
          const event = events[cursor]!;
          if (event.type === type && match(event as never)) {
            cursor++;
            found = event;
            return true;
          }
        }
        return false;
      };
      await waitUntil(updates, look, () => `a ${type} event; saw ${events.map((event) => event.type).join(', ')}`, waitMs);
      return found as never;
    },
    takeAudio: () => concatPcm(audio.splice(0)),
    count: (type) => events.filter((event) => event.type === type).length,
  };
}
