// Built-in tools that let any model end the conversation or hand the customer to a person, as the local engine's
// menu does: the conversation acts once the model's reply (the goodbye, "connecting you now") has been heard.
import { z } from 'zod';
import { defineTool, type AnyToolSpec } from '../../core/tool.ts';

const reason = z.object({ reason: z.string().min(1).max(200).describe('Why, in a few words (kept in the audit trail)') });

export const endConversation = defineTool(
  'end_conversation',
  'Ends the conversation after your next reply. Call it when the customer says goodbye or has nothing more to ask; then say a short goodbye.',
  reason,
  async (input, context) => {
    if (!context.conversation) return { ok: false, message: 'This conversation cannot be ended from here.' };
    context.conversation.endAfterReply(input.reason);
    return { ok: true, next: 'Say a short goodbye now; the conversation ends after it.' };
  },
  // Asking twice is the same as asking once: no store guard, so a store outage never blocks a goodbye or a person.
  { idempotent: true },
);

export const transferToHuman = defineTool(
  'transfer_to_human',
  'Hands the customer to a person after your next reply. Call it whenever the customer asks for a human, or when you cannot help; then tell them you are connecting them.',
  reason,
  async (input, context) => {
    if (!context.conversation?.transferAfterReply(input.reason)) {
      return { ok: false, message: 'No person can take this conversation right now. Apologise, say when the business is open so they can reach staff then, and offer to help further.' };
    }
    return { ok: true, next: 'Tell the customer, in one short sentence, that you are connecting them to a person.' };
  },
  // Asking twice is the same as asking once: no store guard, so a store outage never blocks a goodbye or a person.
  { idempotent: true },
);

export const conversationControlTools: readonly AnyToolSpec[] = [endConversation, transferToHuman];
