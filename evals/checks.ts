// Business checks for eval scenarios: what must really have happened outside the conversation's own words, read
// where a business would look (the appointment in the store, the <Dial> Twilio received, the help desk's inbox).
import { slotKey } from '../src/agent/tools/appointments.ts';
import { pollFor } from '../test/wait.ts';
import type { BusinessCheck, CheckContext } from './scenario.ts';
import { TRANSFER_NUMBER } from './setups.ts';
import type { FakeTwilioRest } from './fakes/twilio-rest.ts';

/** The JSON objects a tool returned in this conversation, newest last. */
function resultsOf(context: CheckContext, tool: string): Record<string, unknown>[] {
  return context.transcript.flatMap((entry) => {
    if (entry.kind !== 'tool_result' || entry.name !== tool) return [];
    try {
      const value: unknown = JSON.parse(entry.text);
      return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** The call updates Twilio received for this conversation's call (the record keeps the CallSid as providerId). */
async function callUpdates(context: CheckContext): Promise<FakeTwilioRest['updates']> {
  const record = await context.gateway.conversations.records.get(context.conversationId);
  return context.twilioRest.updates.filter((update) => update.callSid === record?.providerId);
}

/** book_appointment answered with a booking, and the slot in the store is held by this conversation. */
export const bookingStored: BusinessCheck = {
  what: 'a booking is stored for this conversation',
  async run(context) {
    const booked = resultsOf(context, 'book_appointment').find((result) => typeof result.bookingId === 'string' && typeof result.slotId === 'string');
    if (!booked) return `no successful book_appointment result (${JSON.stringify(resultsOf(context, 'book_appointment'))})`;
    const stored = await context.gateway.store.get(slotKey(String(booked.slotId)));
    if (stored === null) return `slot ${String(booked.slotId)} is not held in the store`;
    const holder = JSON.parse(stored) as { bookingId?: string; conversationId?: string };
    if (holder.conversationId !== context.conversationId) return `slot ${String(booked.slotId)} is held by conversation ${holder.conversationId}`;
    if (holder.bookingId !== booked.bookingId) return `the store holds booking ${holder.bookingId}, the customer was told ${String(booked.bookingId)}`;
    return null;
  },
};

/** Twilio's REST API was asked to connect this call to the staff number. */
export const dialedStaff: BusinessCheck = {
  what: `Twilio received a <Dial> to ${TRANSFER_NUMBER}`,
  async run(context) {
    const record = await context.gateway.conversations.records.get(context.conversationId);
    const updates = await callUpdates(context);
    const dials = updates.filter((update) => update.twiml.includes(`<Dial>${TRANSFER_NUMBER}</Dial>`));
    if (dials.length === 0) return `no <Dial> for this call at the Twilio REST fake (${updates.length} updates of it)`;
    if (record?.endReason !== 'transferred') return `the call ended as ${record?.endReason}, not transferred`;
    return null;
  },
};

/** The help desk was told to take over this conversation. */
export const handedToStaff: BusinessCheck = {
  what: 'the help desk received the hand-off',
  async run(context) {
    // The webhook is posted alongside the conversation's end, so it may land a moment after the record says ended.
    const handoff = await pollFor('the hand-off', () => context.helpDesk.events.find((event) => event.event === 'handoff' && event.conversationId === context.conversationId), { timeoutMs: 3000 }).catch(() => undefined);
    return handoff ? null : `no hand-off for ${context.conversationId} at the help desk (${context.helpDesk.events.length} events)`;
  },
};

/** `tool` answered ok at least once, and `accept` (when given) likes one of its results. */
export function toolAnswered(tool: string, accept: (result: Record<string, unknown>) => boolean = () => true): BusinessCheck {
  return {
    what: `${tool} answered`,
    async run(context) {
      const results = resultsOf(context, tool);
      if (results.length === 0) return `no ${tool} result in the transcript`;
      return results.some(accept) ? null : `${tool} answered, but not as expected: ${JSON.stringify(results.at(-1))}`;
    },
  };
}

/** Nothing was booked or handed over: what an abandoned conversation must leave behind. */
export const nothingDone: BusinessCheck = {
  what: 'nothing was booked or handed over',
  async run(context) {
    const acted = context.transcript.filter((entry) => entry.kind === 'tool_result' && ['book_appointment', 'transfer_to_human'].includes(entry.name ?? ''));
    if (acted.length > 0) return `tools acted: ${acted.map((entry) => entry.name).join(', ')}`;
    if ((await callUpdates(context)).some((update) => update.twiml.includes('<Dial>'))) return 'a <Dial> was sent for this call';
    return null;
  },
};

/** Messages the business sent to the WhatsApp customer, text only, in order. */
export function whatsAppTexts(context: CheckContext): string[] {
  const sent = context.graph.messages as Array<{ to?: string; type?: string; text?: { body: string } }>;
  return sent.filter((message) => message.to === context.customerPhone && message.type === 'text').map((message) => message.text?.body ?? '');
}

/** The customer's WhatsApp received an answer matching `pattern` (after the disclosure). */
export function whatsAppAnswered(pattern: RegExp, then?: BusinessCheck): BusinessCheck {
  return {
    what: `the customer's WhatsApp received ${pattern}${then ? ` and ${then.what}` : ''}`,
    async run(context) {
      const texts = whatsAppTexts(context);
      if (!texts.some((text) => pattern.test(text))) return `no WhatsApp message matched ${pattern}: ${JSON.stringify(texts)}`;
      return then ? then.run(context) : null;
    },
  };
}
