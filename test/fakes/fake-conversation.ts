// A stand-in for the conversation in channel tests: records the inbound events of one connection and can send
// outbound ones, so a channel is tested at the Connection boundary without a model.
import { EventEmitter } from 'node:events';
import type { Connection, InboundEvent } from '../../src/core/channel.ts';
import { waitUntil } from '../wait.ts';

export class FakeConversation {
  readonly events: InboundEvent[] = [];
  audioFrames = 0;
  readonly #updates = new EventEmitter();

  constructor(readonly connection: Connection) {
    this.#updates.setMaxListeners(100);
  }

  /** Subscribes to the connection; audio frames are counted and copied, as the frame lifetime rule asks. */
  listen(): void {
    this.connection.listen((event) => {
      if (event.type === 'audio') {
        if (event.frame.length !== 480) throw new Error(`frame of ${event.frame.length} samples`);
        this.audioFrames++;
        this.events.push({ type: 'audio', frame: event.frame.slice() });
      } else {
        this.events.push(event);
      }
      this.#updates.emit('update');
    });
  }

  get hangup(): Extract<InboundEvent, { type: 'hangup' }> | undefined {
    return this.events.find((e): e is Extract<InboundEvent, { type: 'hangup' }> => e.type === 'hangup');
  }

  /** Canonical audio received so far, concatenated. */
  audio(): Int16Array {
    const frames = this.events.filter((e): e is Extract<InboundEvent, { type: 'audio' }> => e.type === 'audio');
    const out = new Int16Array(frames.length * 480);
    frames.forEach((e, i) => out.set(e.frame, i * 480));
    return out;
  }

  waitFor(predicate: () => boolean, what = 'a condition', timeoutMs = 3000): Promise<void> {
    return waitUntil(this.#updates, predicate, what, timeoutMs);
  }

  waitForFrames(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.audioFrames >= count, `${count} audio frames`, timeoutMs);
  }

  waitForHangup(timeoutMs?: number): Promise<string> {
    return this.waitFor(() => this.hangup !== undefined, 'a hangup', timeoutMs).then(() => this.hangup!.reason);
  }
}
