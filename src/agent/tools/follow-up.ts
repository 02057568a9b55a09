// A cross-channel follow-up: the agent sends the customer a WhatsApp message, such as a booking confirmation after a
// phone call. It acts (a message goes out), so the runner's once-only guard keeps a repeated call from sending twice.
import { z } from 'zod';
import { defineTool } from '../../core/tool.ts';

const input = z.object({
  text: z.string().trim().min(1, 'the message to send').max(1000, 'at most 1000 characters'),
  to: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'a phone number with its country code, such as +919876543210')
    .optional()
    .describe("Leave out to use the customer's own number, when the conversation knows it."),
});

export const sendWhatsAppMessage = defineTool(
  'send_whatsapp_message',
  "Sends the customer a WhatsApp message, such as a booking confirmation with the day and time. Call it only after the customer agreed to get one. Returns ok, or why it could not be sent.",
  input,
  async ({ text, to }, context) => {
    const send = context.messaging?.('whatsapp');
    if (!send) return { ok: false, message: 'WhatsApp is not set up for this business. Give the customer the details now instead.' };
    const number = to ?? (/^\+[1-9]\d{6,14}$/.test(context.customer ?? '') ? context.customer : undefined);
    if (!number) return { ok: false, message: "The customer's WhatsApp number is not known. Ask for it, then call again with `to`." };
    await send(number, text);
    return { ok: true, sentTo: `…${number.slice(-4)}` };
  },
  { timeoutMs: 15_000 },
);
