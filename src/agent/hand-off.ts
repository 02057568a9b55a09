// How one agent of a team passes the customer to another: the hand_off tool and the typed context it carries, so the
// next agent knows what the customer already said and never asks twice. The context is validated here, before the
// conversation sees it; a bad one comes back to the model as an error naming the field to fix.
import { z } from 'zod';
import { defineTool, type ToolSpec } from '../core/tool.ts';
import { describeError } from '../errors.ts';
import { INTENTS } from './intents.ts';

/** Shape of a language tag; Intl then checks it is a real one. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/u;
const MAX_DETAILS = 10;

const detailValue = z.union([z.string().max(120), z.number(), z.boolean()]);

export const HandOffContext = z.object({
  intent: z
    .enum(INTENTS)
    .describe('booking: a new appointment; status: an existing appointment, whether it is paid or what is owed; escalation: wants a person, is upset, or nobody could help; faq: a general question; other: anything else.'),
  summary: z
    .string()
    .trim()
    .min(1, 'say what the customer wants')
    .max(400)
    .describe('What the customer wants and everything they already said (day, time, booking code), in English, so the next agent does not ask again.'),
  customerName: z.string().trim().min(1).max(80).optional().describe("The customer's name, if they gave it."),
  language: z
    .string()
    .regex(LANGUAGE_TAG, 'a BCP 47 language tag such as hi-IN')
    .refine(isLanguageTag, 'a BCP 47 language tag such as hi-IN')
    .optional()
    .describe('The language the customer speaks, as a BCP 47 tag such as hi-IN or pt-BR.'),
  // Any short fact goes (a record); the common ones are named because Gemini refuses an OBJECT without properties
  // and its schema subset cannot say "any key", so they are what a Gemini model sees.
  details: z
    .object({
      date: z.string().max(40).optional().describe('A day the customer named, YYYY-MM-DD when known.'),
      time: z.string().max(40).optional().describe('A time or part of the day the customer named.'),
      bookingId: z.string().max(40).optional().describe('A booking code the customer gave.'),
      service: z.string().max(120).optional().describe('What the appointment or request is for.'),
    })
    .catchall(detailValue)
    .refine((details) => Object.keys(details).length <= MAX_DETAILS, `at most ${MAX_DETAILS} details`)
    .refine((details) => Object.keys(details).every((key) => key.length >= 1 && key.length <= 40), 'detail names of 1 to 40 characters')
    .optional()
    .describe(`Up to ${MAX_DETAILS} short facts already given (text, number or yes/no), such as {"date": "2026-11-25", "bookingId": "K7QM3XTA"}.`),
});

export type HandOffContext = z.infer<typeof HandOffContext>;

export interface HandOffResult {
  readonly ok: boolean;
  readonly now?: string;
  readonly next?: string;
  readonly message?: string;
}

/**
 * The team's one hand_off tool. `targets` maps each member's name to what that member should do first once it has
 * the conversation; the names become the `to` enum, so every provider's schema lists exactly the valid agents. One
 * tool serves the whole team (members share it), so a call is valid whichever member makes it.
 */
export function handOffTool(targets: Readonly<Record<string, string>>): ToolSpec<{ to: string; context: HandOffContext }, HandOffResult> {
  const names = Object.keys(targets);
  if (names.length === 0) throw new TypeError('hand_off needs at least one agent to hand off to');
  const input = z.object({
    to: z.enum(names as [string, ...string[]]).describe('The agent to pass the customer to.'),
    context: HandOffContext,
  });
  return defineTool(
    'hand_off',
    `Passes the customer to another agent of the team (${names.join(', ')}), with what they already said. Call it as soon as you know what the customer wants and another agent serves it; then carry on in the conversation as that agent.`,
    input,
    async ({ to, context: handOff }, context): Promise<HandOffResult> => {
      if (!context.conversation?.handOff) {
        return { ok: false, message: 'This conversation cannot be passed to another agent. Help the customer yourself as well as you can, or offer to connect them to a person.' };
      }
      try {
        await context.conversation.handOff(to, handOff);
      } catch (error) {
        // The conversation's message is written for the model (no such agent, no team, ...).
        return { ok: false, message: describeError(error) };
      }
      return { ok: true, now: to, next: targets[to] };
    },
    // Switching twice to the same agent leaves the conversation where one switch did: no once-only guard needed.
    { idempotent: true, timeoutMs: 10_000 },
  );
}

function isLanguageTag(tag: string): boolean {
  try {
    Intl.getCanonicalLocales(tag);
    return true;
  } catch {
    return false;
  }
}
