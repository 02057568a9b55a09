// Test support for the local engine's tests (not used by the gateway): the options of a session of its own.
import type { ModelSessionOptions } from '../../core/model.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { silentLogger } from '../../log.ts';

/** A chat session (no audio) in `locale` with `tools`, under a conversation id of its own; `overrides` win. */
export function localSessionOptions(locale: string, tools: readonly AnyToolSpec[], overrides: Partial<ModelSessionOptions> = {}): ModelSessionOptions {
  return { conversationId: `conv-${Math.random()}`, channel: 'whatsapp', locale, instructions: '', tools, history: [], audioOutput: false, log: silentLogger, ...overrides };
}
