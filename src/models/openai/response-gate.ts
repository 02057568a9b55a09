// One response at a time. OpenAI refuses a `response.create` while another response is active
// (`conversation_already_has_active_response`) and the refused request is simply lost: the conversation's
// say(disclosure) followed by createResponse() would drop the second. So requests wait here until the active
// response is done, plain ones coalesce (two "answer now" mean one answer), and one refused because of a response
// we did not know about (server VAD started it) is sent again after that response ends.
import type { ResponseParams } from './client-events.ts';

interface Pending {
  readonly params: ResponseParams | undefined;
  readonly attempts: number;
}

interface InFlight extends Pending {
  readonly eventId: string;
  readonly sentAt: number;
}

/** A request neither created nor refused after this long was lost (its error carried no event id). */
const LOST_AFTER_MS = 5_000;
/** Refusals for a busy conversation after which a request is given up. */
const MAX_ATTEMPTS = 3;

export class ResponseGate {
  #active: string | undefined;
  #inFlight: InFlight | undefined;
  /** The request the last response.created was credited to; a refusal naming it means that one was not ours. */
  #credited: InFlight | undefined;
  #queue: Pending[] = [];

  /** `send` puts one response.create on the wire and returns its event id. */
  constructor(
    private readonly send: (params: ResponseParams | undefined) => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The response the server is generating, if any. */
  get activeResponseId(): string | undefined {
    return this.#active;
  }

  /** A response is being generated or has been asked for: a cancel would reach one. */
  get busy(): boolean {
    return this.#active !== undefined || this.#inFlight !== undefined;
  }

  request(params?: ResponseParams): void {
    const last = this.#queue.at(-1);
    if (params === undefined && last !== undefined && last.params === undefined) return;
    this.#queue.push({ params, attempts: 0 });
    this.#pump();
  }

  /** response.created: ours if we asked, else started by server VAD. Either way the conversation is busy. */
  started(responseId: string): void {
    this.#active = responseId;
    this.#credited = this.#inFlight;
    this.#inFlight = undefined;
  }

  /** response.done: the next request may go. */
  done(responseId: string): void {
    if (this.#active === responseId) this.#active = undefined;
    this.#pump();
  }

  /**
   * An error refused one of our response.create events. Only response.create draws
   * `conversation_already_has_active_response` and only one is in flight, so without an event id it is the last.
   */
  refused(eventId: string | undefined, busy: boolean): void {
    const matches = (request: InFlight | undefined): request is InFlight => request !== undefined && (eventId === undefined || eventId === request.eventId);
    let request: InFlight | undefined;
    if (matches(this.#inFlight)) {
      request = this.#inFlight;
      this.#inFlight = undefined;
    } else if (matches(this.#credited)) {
      // The response.created we credited to it came from server VAD; that response is still the active one.
      request = this.#credited;
    }
    this.#credited = undefined;
    if (request === undefined) return;
    // Busy: a response we did not ask for runs; its response.done pumps the queue again.
    if (busy && request.attempts + 1 < MAX_ATTEMPTS) this.#queue.unshift({ params: request.params, attempts: request.attempts + 1 });
    this.#pump();
  }

  /** Drops what waits and reports whether a response.cancel would find something to stop. */
  cancel(): boolean {
    this.#queue = [];
    return this.busy;
  }

  /** The socket is gone: nothing is active any more. */
  reset(): void {
    this.#active = undefined;
    this.#inFlight = undefined;
    this.#credited = undefined;
    this.#queue = [];
  }

  #pump(): void {
    if (this.#inFlight !== undefined && this.now() - this.#inFlight.sentAt > LOST_AFTER_MS) this.#inFlight = undefined;
    if (this.busy) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    const eventId = this.send(next.params);
    this.#inFlight = { ...next, eventId, sentAt: this.now() };
  }
}
