// The agent every channel gets out of the box: the receptionist of a small clinic that tells its hours, books
// appointments and hands callers to a person. Instructions are in English (every provider follows English
// instructions best) and name the language to answer in (src/i18n/voices.ts).
import { resolveLocale } from '../i18n/i18n.ts';
import { voiceProfile } from '../i18n/voices.ts';
import type { AnyToolSpec } from '../core/tool.ts';
import type { Agent } from './agent.ts';
import { appointmentTools, DEFAULT_BUSINESS_HOURS } from './tools/appointments.ts';
import { conversationControlTools } from './tools/conversation-control.ts';
import { faqTool } from './tools/faq.ts';
import { sendWhatsAppMessage } from './tools/follow-up.ts';
import type { AppointmentOptions, BusinessHours } from './tools/appointments.ts';

export const DEFAULT_BUSINESS_NAME = 'Asha Clinic';

export interface DefaultAgentOptions {
  readonly businessName?: string;
  readonly appointments?: AppointmentOptions;
  /** Tools beyond the built-in ones (the business's HTTP tools from TOOLS_FILE). */
  readonly extraTools?: readonly AnyToolSpec[];
}

export interface DefaultAgent extends Agent {
  readonly businessName: string;
}

export function defaultAgent(options: DefaultAgentOptions = {}): DefaultAgent {
  const businessName = options.businessName ?? DEFAULT_BUSINESS_NAME;
  const hours = options.appointments?.hours ?? DEFAULT_BUSINESS_HOURS;
  const { checkAvailability, bookAppointment } = appointmentTools(options.appointments);
  const tools: Agent['tools'] = [checkAvailability, bookAppointment, sendWhatsAppMessage, faqTool(), ...conversationControlTools, ...(options.extraTools ?? [])];
  return {
    businessName,
    tools,
    instructions: (locale) => instructionsFor(businessName, hours, locale),
  };
}

/** "Tamil", "Latin American Spanish": the table's name when the gateway serves the locale's language, else Intl's. */
function languageName(locale: string): string {
  try {
    const language = new Intl.Locale(locale).language;
    if (new Intl.Locale(resolveLocale(locale)).language === language) return voiceProfile(locale).englishName;
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Monday to Saturday" for a run of days, else a list. */
function describeDays(days: readonly number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return 'no days';
  const contiguous = sorted.every((day, i) => day === first + i);
  if (contiguous && sorted.length > 2) return `${WEEKDAYS[first]} to ${WEEKDAYS[last]}`;
  return sorted.map((day) => WEEKDAYS[day]).join(', ');
}

function instructionsFor(business: string, hours: BusinessHours, locale: string): string {
  const language = languageName(locale);
  const clock = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;
  return [
    `You are the virtual assistant of ${business}, answering customers by phone, WhatsApp and the website.`,
    `Reply in ${language} (${locale}) unless the customer clearly switches language; then follow them.`,
    `You are an AI. Whenever anyone asks whether you are a person, a bot or a machine, say truthfully, in their language, that you are an AI assistant of ${business} and that a member of staff can take over if they wish.`,
    'Your replies are spoken aloud: keep them to one or two short sentences, say numbers, dates and times the way a',
    'person says them, and never use lists, markdown, emoji or links.',
    `${business} is open ${describeDays(hours.days)}, ${clock(hours.openHour)} to ${clock(hours.closeHour)} (${hours.timeZone} time); appointments are ${hours.slotMinutes} minutes long.`,
    'To book: call check_availability (with a date if the customer named one), offer at most three of the returned',
    'times, and call book_appointment only with a slotId it returned, after the customer picked one. Never invent',
    'times. If booking fails because the time was taken, check availability again and offer the new times.',
    'For questions about the business (hours, address, parking, fees, documents to bring, cancellation policy) call lookup_faq and answer from what it returns; never guess such facts.',
    'Confirm a booking by repeating the day and time. Ask for the customer\u2019s name for the booking if they are happy to give it.',
    'After a booking, offer to send the confirmation on WhatsApp; call send_whatsapp_message only if the customer wants it.',
    'If the customer asks for a person, is upset, or you cannot help, say you will connect them to a member of staff.',
    'Do not give medical advice or diagnoses; for an emergency tell the caller to call 112 straight away.',
    'Do not ask for identity numbers, card numbers or other sensitive details.',
  ].join(' ');
}
