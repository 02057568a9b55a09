// Test support for the conversation tests (not used by the gateway): a ConversationManager over a scripted model, a
// memory store and fresh metrics, a customer connecting through a fake channel connection, and waits on the store.
// Test files call before(() => initI18n()) and after(closeStores).
import type { ToolSpec } from '../core/tool.ts';
import type { Agent } from '../agent/agent.ts';
import { GatewayMetrics } from '../analytics/metrics.ts';
import { t } from '../i18n/i18n.ts';
import { silentLogger } from '../log.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { FakeConnection, type FakeConnectionOptions } from '../../test/fakes/fake-connection.ts';
import { ScriptedModel, type ScriptedModelOptions, type ScriptedSession } from '../../test/fakes/scripted-model.ts';
import { pollFor } from '../../test/wait.ts';
import type { ConversationSettings } from './conversation.ts';
import { ConversationManager } from './manager.ts';
import type { ConversationRecord, TranscriptEntry } from './records.ts';

const stores: MemoryStore[] = [];

/** Closes the stores of every harness set up so far. */
export async function closeStores(): Promise<void> {
  await Promise.all(stores.splice(0).map((store) => store.close()));
}

export interface Harness {
  readonly manager: ConversationManager;
  readonly model: ScriptedModel;
  /** The stand-in for the local engine, when setup() was asked for one. */
  readonly fallback?: ScriptedModel;
  readonly store: MemoryStore;
  readonly metrics: GatewayMetrics;
}

export function setup(
  options: { settings?: Partial<ConversationSettings>; model?: ScriptedModelOptions; fallback?: ScriptedModelOptions; tools?: ToolSpec[]; agent?: Agent } = {},
): Harness {
  const store = new MemoryStore();
  stores.push(store);
  const model = new ScriptedModel(options.model);
  const fallback = options.fallback ? new ScriptedModel({ name: 'local', ...options.fallback, capabilities: { local: true, ...options.fallback.capabilities } }) : undefined;
  const metrics = new GatewayMetrics();
  const agent: Agent = options.agent ?? { instructions: (locale) => `You are a receptionist. Answer in ${locale}.`, tools: options.tools ?? [] };
  const manager = new ConversationManager({
    model,
    ...(fallback ? { fallbackModel: fallback } : {}),
    agent,
    store,
    log: silentLogger,
    metrics,
    defaultLocale: 'en',
    translate: t,
    settings: { businessName: 'Asha Clinic', maxDurationMs: 60_000, playoutWaitMs: 2000, modelRetryDelaysMs: [5, 5], ...options.settings },
  });
  return { manager, model, ...(fallback ? { fallback } : {}), store, metrics };
}

/** A customer connects; resolves once the model session is open and the disclosure has been asked for. */
export async function connect(h: Harness, options: FakeConnectionOptions & { skipDisclosure?: boolean } = {}): Promise<{ connection: FakeConnection; session: ScriptedSession }> {
  const connection = new FakeConnection(options);
  const index = h.model.sessions.length;
  h.manager.accept(connection);
  const session = await h.model.session(index);
  await session.waitForCall('createResponse');
  if (options.skipDisclosure !== false) {
    // The disclosure is a protected response; tests of what follows start after it (silent, so nothing is playing).
    session.emit({ type: 'response_started', responseId: 'disclosure' });
    session.emit({ type: 'response_done', responseId: 'disclosure', status: 'completed' });
  }
  return { connection, session };
}

/** Polls every 5 ms until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 2000): Promise<T> {
  return pollFor(what, check, { timeoutMs, intervalMs: 5 });
}

export async function endedRecord(h: Harness, id: string, timeoutMs = 2000): Promise<ConversationRecord> {
  return eventually(async () => {
    const record = await h.manager.records.get(id);
    return record?.status === 'ended' ? record : undefined;
  }, `conversation ${id} to end`, timeoutMs);
}

export function transcript(h: Harness, id: string): Promise<TranscriptEntry[]> {
  return h.manager.records.transcript(id);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
