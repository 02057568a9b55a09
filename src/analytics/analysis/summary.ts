// The summary written without a text model: one template sentence in English from the intent, the outcome and the
// tools that did something, then how it ended. Plain on purpose: it must never invent, and never quote the customer.
//   "Customer wanted to book an appointment; booked (book_appointment). Ended by the agent."
import type { Intent } from '../../agent/intents.ts';
import type { Outcome } from '../analytics-types.ts';

const WANTED: Readonly<Record<Intent, string>> = {
  booking: 'Customer wanted to book an appointment',
  status: 'Customer asked about an existing booking or payment',
  escalation: 'Customer asked for a person',
  faq: 'Customer had a question about the business',
  other: 'Customer contacted the business',
};

/** What each business tool achieved, as a past participle or short clause. */
const DONE: Readonly<Record<string, string>> = {
  book_appointment: 'booked',
  check_availability: 'availability checked',
  check_booking_status: 'status given',
  lookup_faq: 'answered from the FAQ',
  send_whatsapp_message: 'WhatsApp message sent',
};

const ENDED: Readonly<Record<string, string>> = {
  agent_ended: 'Ended by the agent.',
  hangup: 'The customer hung up.',
  transferred: 'Transferred to staff.',
  max_duration: 'Ended at the time limit.',
  idle: 'Ended after the customer went quiet.',
  shutdown: 'Ended by a gateway shutdown.',
  model_unavailable: 'No speech model was available.',
  start_failed: 'The conversation failed to start.',
  stream_never_connected: 'The call audio never connected.',
};

function endSentence(endReason: string): string {
  const known = ENDED[endReason];
  if (known) return known;
  if (endReason.startsWith('model_lost')) return 'The speech model was lost.';
  if (endReason === '') return 'It did not record an end.';
  // Other reasons are free text written by a model or a channel: not repeated here, it could say anything.
  return 'Ended for another reason.';
}

function result(outcome: Outcome, businessTools: readonly string[]): string {
  if (outcome === 'failed') return 'the gateway could not serve it';
  if (outcome === 'escalated') return businessTools.length > 0 ? `${done(businessTools)}, then handed to a person` : 'handed to a person';
  if (outcome === 'completed') return businessTools.length > 0 ? done(businessTools) : 'resolved in conversation';
  return 'nothing was done';
}

function done(tools: readonly string[]): string {
  return [...new Set(tools)].map((tool) => `${DONE[tool] ?? 'done'} (${tool})`).join(', ');
}

export interface SummaryFacts {
  readonly intent: Intent;
  readonly outcome: Outcome;
  readonly endReason: string;
  /** Tools other than hand_off, end_conversation and transfer_to_human that returned ok. */
  readonly businessTools: readonly string[];
  readonly customerTurns: number;
}

export function templateSummary(facts: SummaryFacts): string {
  const opening = facts.customerTurns === 0 && facts.intent === 'other' ? 'Customer said nothing' : WANTED[facts.intent];
  return `${opening}; ${result(facts.outcome, facts.businessTools)}. ${endSentence(facts.endReason)}`;
}
