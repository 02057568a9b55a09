// How a conversation ended, for completion and containment rates, and what its tools say it was about. The rules,
// checked in this order (the first that holds wins):
//
//   failed     the gateway could not serve it: the end reason is model_unavailable or start_failed, starts with
//              model_lost (the model went away mid-conversation and nothing could take over), or names an error
//              (error, internal_error, protocol-error: ...).
//   escalated  a person took over: stats.transferred, the end reason transferred, a transfer in the transcript
//              ("transferred: ..." event), or transfer_to_human returned ok (a staff hand-off on a chat).
//   completed  something was done for the customer: a business tool did its job (any tool but hand_off,
//              end_conversation, transfer_to_human and check_availability, a step towards a booking; lookup_faq
//              counts when it found the answer; a result carrying an error, ok: false or found: false does not
//              count), or the agent ended it (agent_ended) after at least one customer turn.
//   abandoned  everything else: the customer hung up or went idle before anything was done, the stream never
//              connected, the gateway shut down.
import type { Intent } from '../../agent/intents.ts';
import type { TranscriptEntry } from '../../conversation/records.ts';
import type { ConversationStats, Outcome } from '../analytics-types.ts';

/** Tools that steer the conversation, or are a step towards a task, rather than do anything for the customer. */
export const CONTROL_TOOLS: ReadonlySet<string> = new Set(['hand_off', 'end_conversation', 'transfer_to_human', 'check_availability']);

const FAILED_REASONS = new Set(['model_unavailable', 'start_failed']);
const ERROR_WORD = /(?:^|[^a-z])error(?:[^a-z]|$)/iu;

export interface OutcomeInput {
  readonly endReason: string;
  readonly stats: ConversationStats;
  /** Customer turns, from the stats or, when a record has none, from the transcript. */
  readonly customerTurns: number;
  readonly transcript: readonly TranscriptEntry[];
}

export function isFailedEnd(endReason: string): boolean {
  return FAILED_REASONS.has(endReason) || endReason.startsWith('model_lost') || ERROR_WORD.test(endReason);
}

export function wasEscalated(input: Pick<OutcomeInput, 'endReason' | 'stats' | 'transcript'>): boolean {
  if (input.stats.transferred || input.endReason === 'transferred') return true;
  if (input.stats.toolsSucceeded.includes('transfer_to_human')) return true;
  return input.transcript.some((entry) => entry.kind === 'event' && typeof entry.text === 'string' && entry.text.startsWith('transferred:'));
}

/** Tools that did something for the customer and returned ok. */
export function businessToolsSucceeded(stats: ConversationStats): string[] {
  return stats.toolsSucceeded.filter((name) => !CONTROL_TOOLS.has(name));
}

export function outcomeOf(input: OutcomeInput): Outcome {
  if (isFailedEnd(input.endReason)) return 'failed';
  if (wasEscalated(input)) return 'escalated';
  if (businessToolsSucceeded(input.stats).length > 0) return 'completed';
  if (input.endReason === 'agent_ended' && input.customerTurns >= 1) return 'completed';
  return 'abandoned';
}

/** Which intent each tool reveals; the most telling first when a conversation used several. */
const TOOL_INTENTS: ReadonlyArray<readonly [string, Intent]> = [
  ['book_appointment', 'booking'],
  ['check_availability', 'booking'],
  ['check_booking_status', 'status'],
  ['transfer_to_human', 'escalation'],
  ['lookup_faq', 'faq'],
];

/**
 * The intent the tools reveal, from those that succeeded and those the agent called at all (a failed booking was
 * still about booking), or undefined. A booking outranks the FAQ question asked on the way, and a booking that
 * ended with a person was still about booking.
 */
export function intentFromTools(succeeded: readonly string[], transcript: readonly TranscriptEntry[]): Intent | undefined {
  const used = new Set(succeeded);
  for (const entry of transcript) if (entry.kind === 'tool_call' && typeof entry.name === 'string') used.add(entry.name);
  return TOOL_INTENTS.find(([tool]) => used.has(tool))?.[1];
}
