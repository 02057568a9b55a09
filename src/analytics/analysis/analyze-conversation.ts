// Analyses one ended conversation from its record and its (already redacted) transcript: the figures the
// conversation measured (duration, turns, latencies, barge-ins, tools, usage and cost), its outcome (rules in
// outcome.ts), its intent, and a summary and sentiment from the text model when one is configured, else from the
// lexicons. Never throws on old or partial records: missing stats count as zeros, except turns and barge-ins, which
// an old record still shows (its transcript's customer lines, its own bargeIns).
//
// Intent, first that applies (intentSource in brackets):
//   1. the record's intent, set by the router's hand-off or the local menu's choice   (router)
//   2. what the tools reveal: booking/availability -> booking, check_booking_status -> status,
//      transfer_to_human -> escalation, lookup_faq -> faq: what the agent did outranks any reading of words (classifier)
//   3. the text model's                                                              (classifier)
//   4. the lexicon classifier's, over the customer's lines; 'other' when nothing matched (classifier)
import type { Intent } from '../../agent/intents.ts';
import { isIntent } from '../../agent/intents.ts';
import type { ConversationRecord, TranscriptEntry } from '../../conversation/records.ts';
import type { ConversationAnalytics, ConversationStats, UsageTotals } from '../analytics-types.ts';
import { customerLines, dialogue } from './conversation-text.ts';
import { costOf, roundUsd } from './cost.ts';
import { classifyIntent, scoreSentiment, sentimentLabel } from './lexicon.ts';
import { businessToolsSucceeded, intentFromTools, outcomeOf } from './outcome.ts';
import { templateSummary } from './summary.ts';
import type { TextModel, TextModelResult } from './text-model.ts';
import { nearestRank } from '../percentile.ts';

export interface AnalysisInput {
  readonly record: ConversationRecord;
  readonly transcript: readonly TranscriptEntry[];
}

export interface AnalysisOptions {
  /** Writes summary and sentiment (and intent when needed); without it, or when it fails, the lexicons do. */
  readonly textModel?: TextModel;
  /** The clock for analyzedAt. */
  readonly now?: () => number;
  /** Applied to the text model's summary before it is kept: a model may repeat an identifier it was shown. */
  readonly redact?: (text: string, locale: string) => string;
}

export async function analyzeConversation(input: AnalysisInput, options: AnalysisOptions = {}): Promise<ConversationAnalytics> {
  const { record } = input;
  const transcript = Array.isArray(input.transcript) ? input.transcript.filter(isEntry) : [];
  const stats = statsOf(record.stats);
  const endReason = typeof record.endReason === 'string' ? record.endReason : '';
  const startedAt = finiteOr(record.startedAt, finiteOr(record.createdAt, 0));
  const endedAt = finiteOr(record.endedAt, transcript.at(-1)?.at ?? startedAt);
  const customer = customerLines(transcript);
  // A record from before stats: its transcript still shows how often the customer spoke (voice notes are user events).
  const customerTurns = record.stats ? stats.turns : transcript.filter((entry) => entry.role === 'user').length;
  const outcome = outcomeOf({ endReason, stats, customerTurns, transcript });
  const businessTools = businessToolsSucceeded(stats);

  const lexiconIntent = classifyIntent(customer, record.locale ?? 'en');
  const lexiconSentiment = scoreSentiment(customer, record.locale ?? 'en');
  const routerIntent = isIntent(record.intent) ? record.intent : undefined;
  const toolIntent = intentFromTools(stats.toolsSucceeded, transcript);

  const modelResult = await askTextModel(options.textModel, input, { endReason, toolsSucceeded: stats.toolsSucceeded, customerSpoke: customer.length > 0 });
  const answer = modelResult?.ok ? modelResult.answer : undefined;
  const intent: Intent = routerIntent ?? toolIntent ?? answer?.intent ?? lexiconIntent.intent;

  const costs = Object.entries(stats.usage).map(([model, usage]) => costOf(model, usage));
  if (options.textModel && modelResult?.usage) {
    costs.push(costOf(options.textModel.model, { inputTokens: modelResult.usage.promptTokens, outputTokens: modelResult.usage.completionTokens }));
  }
  const sentiment = answer ? Math.round(answer.sentiment * 100) / 100 : lexiconSentiment.score;
  const models = [...new Set([...Object.keys(stats.usage), ...(typeof record.model === 'string' ? [record.model] : [])])];
  const audioMs = Object.values(stats.usage).reduce((sum, usage) => sum + usage.inputAudioMs + usage.outputAudioMs, 0);

  return {
    conversationId: record.id,
    channel: record.channel,
    language: record.locale,
    day: utcDay(startedAt),
    startedAt,
    endedAt,
    // Active time when the conversation measured it: a chat's idle wait and its gaps between sessions are not work.
    durationMs: stats.activeMs ?? Math.max(0, endedAt - startedAt),
    endReason,
    intent,
    intentSource: routerIntent ? 'router' : 'classifier',
    outcome,
    summary: answer ? (options.redact ? options.redact(answer.summary, record.locale) : answer.summary) : templateSummary({ intent, outcome, endReason, businessTools, customerTurns }),
    sentiment,
    sentimentLabel: sentimentLabel(sentiment),
    analyzedBy: answer ? 'text_model' : 'lexicon',
    turns: customerTurns,
    timeToFirstAudioMs: stats.timeToFirstAudioMs ?? null,
    turnLatencyP50Ms: nearestRank(stats.turnLatenciesMs, 50),
    turnLatencyP95Ms: nearestRank(stats.turnLatenciesMs, 95),
    turnLatenciesMs: stats.turnLatenciesMs,
    bargeIns: record.stats ? stats.bargeIns : count(record.bargeIns),
    toolCalls: stats.toolCalls,
    toolErrors: stats.toolErrors,
    handOffs: stats.handOffs,
    modelAudioSeconds: Math.round(audioMs / 100) / 10,
    tokens: costs.reduce((sum, cost) => sum + cost.tokens, 0),
    costUsd: roundUsd(costs.reduce((sum, cost) => sum + cost.costUsd, 0)),
    models,
    analyzedAt: options.now ? options.now() : Date.now(),
  };
}

async function askTextModel(
  textModel: TextModel | undefined,
  input: AnalysisInput,
  facts: { readonly endReason: string; readonly toolsSucceeded: readonly string[]; readonly customerSpoke: boolean },
): Promise<TextModelResult | undefined> {
  // Nothing said, nothing to read: no call, no cost.
  if (!textModel || !facts.customerSpoke) return undefined;
  try {
    return await textModel.analyze({
      conversationId: input.record.id,
      locale: input.record.locale,
      channel: input.record.channel,
      endReason: facts.endReason,
      toolsSucceeded: facts.toolsSucceeded,
      dialogue: dialogue(input.transcript),
    });
  } catch {
    // A TextModel reports failures as results; one that throws anyway must not lose the analysis.
    return undefined;
  }
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number' && Number.isFinite(item) && item >= 0) : []);

/** The record's stats with every field present and sane: a record from before stats, or stored JSON gone odd. */
function statsOf(raw: ConversationStats | undefined): ConversationStats {
  const stats = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof ConversationStats, unknown>>;
  const usage: Record<string, UsageTotals> = {};
  if (typeof stats.usage === 'object' && stats.usage !== null) {
    for (const [model, totals] of Object.entries(stats.usage as Record<string, unknown>)) {
      const t = (typeof totals === 'object' && totals !== null ? totals : {}) as Partial<Record<keyof UsageTotals, unknown>>;
      usage[model] = { inputAudioMs: count(t.inputAudioMs), outputAudioMs: count(t.outputAudioMs), inputTokens: count(t.inputTokens), outputTokens: count(t.outputTokens) };
    }
  }
  const firstAudio = stats.timeToFirstAudioMs;
  return {
    turns: count(stats.turns),
    ...(typeof firstAudio === 'number' && Number.isFinite(firstAudio) && firstAudio >= 0 ? { timeToFirstAudioMs: firstAudio } : {}),
    turnLatenciesMs: numbers(stats.turnLatenciesMs),
    bargeIns: count(stats.bargeIns),
    toolCalls: count(stats.toolCalls),
    toolErrors: count(stats.toolErrors),
    toolsSucceeded: Array.isArray(stats.toolsSucceeded) ? stats.toolsSucceeded.filter((name): name is string => typeof name === 'string') : [],
    handOffs: count(stats.handOffs),
    transferred: stats.transferred === true,
    usage,
    ...(typeof stats.activeMs === 'number' && Number.isFinite(stats.activeMs) && stats.activeMs >= 0 ? { activeMs: Math.round(stats.activeMs) } : {}),
  };
}

function isEntry(entry: unknown): entry is TranscriptEntry {
  return typeof entry === 'object' && entry !== null && typeof (entry as TranscriptEntry).role === 'string' && typeof (entry as TranscriptEntry).kind === 'string';
}
