// Plays one scenario against a running setup: the customer's actions in order, each wait for the agent's answer
// read from the conversation's transcript, then the end of the conversation, its post-conversation analytics (read
// back from the store the gateway's worker writes them to, bounded) and the business check.
import type { ConversationAnalytics } from '../src/analytics/analytics-types.ts';
import { AnalyticsStore } from '../src/analytics/analytics-store.ts';
import type { TranscriptEntry } from '../src/conversation/records.ts';
import { pollFor } from '../test/wait.ts';
import { isAction, openCustomer, type Customer } from './customers.ts';
import type { Scenario, Step } from './scenario.ts';
import type { RunningSetup } from './setups.ts';

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly model: string;
  /** Null when the conversation never got that far. */
  readonly conversationId: string | null;
  readonly analytics: ConversationAnalytics | null;
  /** Why the scenario failed (a step that timed out, a business check, an outcome), or null. */
  readonly problem: string | null;
  readonly durationMs: number;
}


/** A step's wait for the agent, unless it says otherwise. */
const REPLY_TIMEOUT_MS = 10_000;
/** From the customer leaving (or the chat's idle end) to the record saying ended. */
const END_TIMEOUT_MS = 8_000;
/** How long the analytics worker gets to analyse an ended conversation. */
const ANALYTICS_TIMEOUT_MS = 8_000;

export async function runScenario(scenario: Scenario, setup: RunningSetup): Promise<ScenarioResult> {
  const started = performance.now();
  if (scenario.provider) await setup.script(scenario.provider);
  let customer: Customer | undefined;
  let conversationId: string | null = null;
  const finish = (problem: string | null, analytics: ConversationAnalytics | null = null): ScenarioResult => ({
    scenario,
    model: setup.model,
    conversationId,
    analytics,
    problem,
    durationMs: performance.now() - started,
  });
  try {
    customer = await openCustomer(scenario.channel, setup);
    // Answers are looked for among the entries written since the customer's last action.
    let mark = 0;
    const transcript = async (): Promise<TranscriptEntry[]> => (conversationId === null ? [] : setup.gateway.conversations.records.transcript(conversationId));
    for (const [index, step] of scenario.steps.entries()) {
      if (isAction(step)) {
        mark = (await transcript()).length;
        await customer.act(step);
        conversationId ??= await customer.conversationId();
        continue;
      }
      conversationId ??= await customer.conversationId();
      let seen: TranscriptEntry[] = [];
      const done = await pollFor(
        () => `step ${index + 1} (${describe(step)}); since the last action: ${JSON.stringify(seen.map((entry) => `${entry.kind}:${entry.name ?? ''}:${entry.text.slice(0, 60)}`))}`,
        async () => {
          seen = (await transcript()).slice(mark);
          return seen.some((entry) => answers(step, entry)) ? true : undefined;
        },
        { timeoutMs: step.timeoutMs ?? REPLY_TIMEOUT_MS, intervalMs: 20 },
      ).catch((error: Error) => error);
      if (done instanceof Error) return finish(done.message);
    }
    conversationId ??= await customer.conversationId();
    const id = conversationId;
    const record = await pollFor('the conversation to end', async () => {
      const found = await setup.gateway.conversations.records.get(id);
      return found?.status === 'ended' ? found : undefined;
    }, { timeoutMs: END_TIMEOUT_MS }).catch(() => null);
    if (record === null) return finish('the conversation did not end after the customer left');

    const analytics = await waitForAnalytics(setup, id);
    const problem = await scenario.check.run({
      conversationId: id,
      gateway: setup.gateway,
      transcript: await setup.gateway.conversations.records.transcript(id),
      twilioRest: setup.twilioRest,
      graph: setup.graph,
      helpDesk: setup.helpDesk,
      ...(record.from ? { customerPhone: record.from.replace(/\D/gu, '') } : {}),
    });
    if (problem) return finish(`business check (${scenario.check.what}): ${problem}`, analytics);
    if (!analytics) return finish(`no analytics for ${id} within ${ANALYTICS_TIMEOUT_MS} ms (is the analytics worker running?)`);
    if (analytics.outcome !== scenario.expected.outcome) return finish(`outcome ${analytics.outcome}, expected ${scenario.expected.outcome}`, analytics);
    if (analytics.intent !== scenario.expected.intent) return finish(`intent ${analytics.intent}, expected ${scenario.expected.intent}`, analytics);
    return finish(null, analytics);
  } catch (error) {
    return finish(error instanceof Error ? error.message : String(error));
  } finally {
    await customer?.close().catch(() => undefined);
  }
}

function answers(step: Step, entry: TranscriptEntry): boolean {
  if ('reply' in step) return entry.role === 'assistant' && entry.kind !== 'tool_call' && step.reply.test(entry.text);
  if ('toolResult' in step) return entry.kind === 'tool_result' && entry.name === step.toolResult;
  if ('event' in step) return entry.kind === 'event' && step.event.test(entry.text);
  return false;
}

function describe(step: Step): string {
  if ('reply' in step) return `an answer matching ${step.reply}`;
  if ('toolResult' in step) return `a result of ${step.toolResult}`;
  if ('event' in step) return `an event matching ${step.event}`;
  return Object.keys(step)[0]!;
}

/** The gateway's worker analyses each ended conversation (a queued job); its result is read back from the store. */
async function waitForAnalytics(setup: RunningSetup, id: string): Promise<ConversationAnalytics | null> {
  const store = new AnalyticsStore(setup.gateway.store);
  return pollFor('analytics', async () => (await store.get(id)) ?? undefined, { timeoutMs: ANALYTICS_TIMEOUT_MS, intervalMs: 25 }).catch(() => null);
}
