// Shared by the ModelLink tests: a link over scripted primary and fallback models, recording what it reports.
import assert from 'node:assert/strict';
import type { ModelEvent, ModelFailure, ModelSession, ModelSessionOptions } from '../core/model.ts';
import { silentLogger } from '../log.ts';
import { ScriptedModel, type ScriptedModelOptions, type ScriptedSession } from '../../test/fakes/scripted-model.ts';
import { ModelLink, type SwitchKind } from './model-link.ts';
export const DROPPED: ModelFailure = { code: 'socket_closed', message: 'the socket closed without a close frame', retryable: true, fallback: false };
export const DOWN: ModelFailure = { code: 'upstream_error', message: 'the provider answered HTTP 503', retryable: true, fallback: false };
export const EXPIRED: ModelFailure = { code: 'session_expired', message: 'the session hit its maximum duration', retryable: true, fallback: false };
export const DELAYS = [10, 20, 40] as const;

export const SESSION_OPTIONS: ModelSessionOptions = {
  conversationId: 'conversation-1',
  channel: 'fake',
  locale: 'en',
  instructions: 'You are a receptionist.',
  tools: [],
  history: [],
  audioOutput: true,
  log: silentLogger,
};

export interface Switch {
  readonly kind: SwitchKind;
  readonly reason: string;
  readonly interrupted: boolean;
}

export interface Harness {
  readonly link: ModelLink;
  readonly primary: ScriptedModel;
  readonly fallback: ScriptedModel | undefined;
  /** Events passed on to the conversation. */
  readonly events: ModelEvent[];
  readonly switches: Switch[];
  readonly lost: string[];
}

export interface HarnessOptions {
  readonly primary?: ScriptedModelOptions;
  /** false: no local engine to fall back to. */
  readonly fallback?: ScriptedModelOptions | false;
  readonly retryDelaysMs?: readonly number[];
  readonly maxSessionAgeMs?: number;
  readonly prewarmed?: Promise<ModelSession>;
  /** The primary model, when the test made it before (to pre-warm a session on it). */
  readonly primaryModel?: ScriptedModel;
}

export function harness(options: HarnessOptions = {}): Harness {
  const primary = options.primaryModel ?? new ScriptedModel({ name: 'cloud', ...options.primary });
  const fallback = options.fallback === false ? undefined : new ScriptedModel({ name: 'local', ...options.fallback, capabilities: { local: true, ...options.fallback?.capabilities } });
  const events: ModelEvent[] = [];
  const switches: Switch[] = [];
  const lost: string[] = [];
  const link = new ModelLink({
    primary,
    ...(fallback ? { fallback } : {}),
    ...(options.prewarmed ? { prewarmed: options.prewarmed } : {}),
    // Like the conversation: the history is what was said so far (the store's transcript).
    open: (model) => model.connect({ ...SESSION_OPTIONS, history: said(events).map((text) => ({ role: 'assistant', text, at: 0 })) }),
    onEvent: (event) => events.push(event),
    onSwitched: (kind, reason, interrupted) => switches.push({ kind, reason, interrupted }),
    onLost: (reason) => lost.push(reason),
    log: silentLogger,
    retryDelaysMs: options.retryDelaysMs ?? DELAYS,
    ...(options.maxSessionAgeMs !== undefined ? { maxSessionAgeMs: options.maxSessionAgeMs } : {}),
  });
  return { link, primary, fallback, events, switches, lost };
}

/** A harness whose link has opened its first session on the primary. */
export async function started(options: HarnessOptions = {}): Promise<Harness & { first: ScriptedSession }> {
  const h = harness(options);
  assert.deepEqual(await h.link.start(), { fallbackReason: null });
  const first = await h.primary.session(0);
  assert.equal(h.link.session, first);
  return { ...h, first };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const transcript = (text: string): ModelEvent => ({ type: 'transcript', role: 'assistant', text });
export const said = (from: Harness | ModelEvent[]): string[] =>
  ('events' in from ? from.events : from).flatMap((event) => (event.type === 'transcript' ? [event.text] : []));

