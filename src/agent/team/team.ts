// The default team: a router that greets, answers general questions and passes everything else on quickly, and three
// specialists (booking, status of a booking, escalation to a person), each with its own instructions and only the
// tools its job needs. They share one hand_off tool whose `to` lists every member, so any member can pass the
// customer to any other.
import type { AnyToolSpec } from '../../core/tool.ts';
import type { Agent } from '../agent.ts';
import { handOffTool } from '../hand-off.ts';
import type { Intent } from '../intents.ts';
import { appointmentTools, DEFAULT_BUSINESS_HOURS, type AppointmentOptions } from '../tools/appointments.ts';
import { bookingStatusTool } from '../tools/booking-status.ts';
import { endConversation, transferToHuman } from '../tools/conversation-control.ts';
import { faqTool } from '../tools/faq.ts';
import { sendWhatsAppMessage } from '../tools/follow-up.ts';
import { handOffBlock, preamble } from './instructions.ts';

export const TEAM_MEMBERS = ['router', 'booking', 'status', 'escalation'] as const;
export type TeamMember = (typeof TEAM_MEMBERS)[number];

export interface TeamOptions {
  readonly businessName: string;
  readonly appointments?: AppointmentOptions;
  /** The business's own tools (HTTP tools from TOOLS_FILE): every member gets them. */
  readonly extraTools?: readonly AnyToolSpec[];
}

export interface TeamAgent extends Agent {
  readonly name: TeamMember;
  readonly businessName: string;
  readonly team: ReadonlyMap<string, TeamAgent>;
}

/** What each member does first once hand_off gave it the conversation (the tool's `next`). */
const FIRST_STEP: Readonly<Record<TeamMember, string>> = {
  router: 'Carry on now with what the context says the customer wants (call lookup_faq for a question about the business); only if it names nothing, ask in one short sentence what else you can help with.',
  booking: 'Carry on with the booking now: call check_availability for what the customer asked (with the day if they named one) and offer the times; do not ask again for what the context gives.',
  status: 'Carry on now: call check_booking_status (with the booking code if the customer gave one) and tell the customer what it says.',
  escalation: 'Carry on now: tell the customer in one short sentence that you will connect them to a member of staff, and call transfer_to_human.',
};

/** Each member's own job, after the shared preamble. */
const BODY: Readonly<Record<TeamMember, string>> = {
  router: [
    'You are the receptionist: the first voice customers reach.',
    'For questions about the business (hours, address, parking, fees, documents to bring, cancellation policy) call lookup_faq and answer from what it returns; never guess such facts.',
    'For anything else, call hand_off as soon as the intent is clear, asking at most one short clarifying question first: to booking for a new appointment; to status for an existing appointment, whether it is paid or what the customer owes; to escalation when the customer asks for a person, is upset, or you cannot help.',
    'Put everything the customer already said in the hand-off context: what they want in `summary`, and their name, day, time or booking code, so nobody asks twice.',
    'When the customer says goodbye or has nothing more to ask, call end_conversation and say a short goodbye.',
  ].join(' '),
  booking: [
    'You book appointments.',
    'To book: call check_availability (with a date if the customer named one), offer at most three of the returned',
    'times, and call book_appointment only with a slotId it returned, after the customer picked one. Never invent',
    'times. If booking fails because the time was taken, check availability again and offer the new times.',
    'Confirm a booking by repeating the day and time and giving the booking code. Ask for the customer\u2019s name for the booking if they are happy to give it.',
    'After a booking, offer to send the confirmation on WhatsApp; call send_whatsapp_message only if the customer wants it.',
    'For a question about an existing booking call hand_off to status; for a person, to escalation; for general questions about the business, to router.',
    'When the customer says goodbye, call end_conversation and say a short goodbye.',
  ].join(' '),
  status: [
    'You answer questions about the customer\u2019s existing appointments: when it is, whether it is paid, what they owe.',
    'Call check_booking_status with the booking code if the customer gave one, else without it to find the customer\u2019s own upcoming bookings, and answer only from what it returns: the day and time, the fee and whether it is paid.',
    'Never invent a booking, a time or an amount. If nothing is found, ask once for the booking code (8 letters and digits) and look again.',
    'You cannot take payments, change or cancel bookings: say so, and call hand_off to escalation if the customer wants a person for it, or to booking for a new appointment.',
    'Offer to send the details on WhatsApp; call send_whatsapp_message only if the customer wants it.',
    'When the customer says goodbye, call end_conversation and say a short goodbye.',
  ].join(' '),
  escalation: [
    'The customer needs a member of staff: they asked for a person, are upset, or the others could not help.',
    'Acknowledge them briefly and kindly, call transfer_to_human with the reason, and tell them you are connecting them.',
    'If no person can take the call, apologise, tell them when the business is open so they can reach staff then, and offer to help further.',
    'If the customer changes their mind and wants something else, call hand_off to router with what they now want.',
    'When the customer says goodbye, call end_conversation and say a short goodbye.',
  ].join(' '),
};

const INTENT: Readonly<Record<TeamMember, Intent | undefined>> = { router: undefined, booking: 'booking', status: 'status', escalation: 'escalation' };

/** The team by name; `router` is its entry. Every member's `team` is this same map. */
export function buildTeam(options: TeamOptions): ReadonlyMap<TeamMember, TeamAgent> {
  const hours = options.appointments?.hours ?? DEFAULT_BUSINESS_HOURS;
  const extra = options.extraTools ?? [];
  const { checkAvailability, bookAppointment } = appointmentTools(options.appointments);
  const checkBookingStatus = bookingStatusTool(options.appointments);
  const handOff = handOffTool(FIRST_STEP);
  const tools: Readonly<Record<TeamMember, readonly AnyToolSpec[]>> = {
    router: [faqTool(), handOff, endConversation],
    booking: [checkAvailability, bookAppointment, sendWhatsAppMessage, handOff, endConversation],
    status: [checkBookingStatus, sendWhatsAppMessage, handOff, endConversation],
    escalation: [transferToHuman, endConversation, handOff],
  };

  const team = new Map<TeamMember, TeamAgent>();
  for (const name of TEAM_MEMBERS) {
    const intent = INTENT[name];
    team.set(name, {
      name,
      ...(intent !== undefined ? { intent } : {}),
      businessName: options.businessName,
      tools: [...tools[name], ...extra],
      team,
      instructions: (locale, handOff) => {
        const block = handOffBlock(handOff);
        const text = `${preamble(options.businessName, hours, locale)} ${BODY[name]}`;
        return block === '' ? text : `${text}\n\n${block}`;
      },
    });
  }
  return team;
}
