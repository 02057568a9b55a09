// The local engine serving the default team, driven the way the conversation drives it: tools run through the shared
// runner, and a hand_off moves the session to the next agent with updateAgent(). Choices that reveal what the caller
// wants are handed to the specialist first, then acted on; "my booking" is said with its day, fee and whether it is
// paid, in the caller's language; the hours come from the knowledge texts. One agent alone sees none of this.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ModelEvent, ModelSession, ModelSessionOptions } from '../../core/model.ts';
import type { AnyToolSpec, ConversationControl, ToolSpec } from '../../core/tool.ts';
import { teamTools } from '../../agent/agent.ts';
import { runTool } from '../../agent/tool-runner.ts';
import { buildTeam } from '../../agent/team/team.ts';
import type { TeamAgent } from '../../agent/team/team.ts';
import { appointmentTools } from '../../agent/tools/appointments.ts';
import { markPaid } from '../../agent/tools/booking-records.ts';
import { DEFAULT_KNOWLEDGE_DIR, faqTool, loadKnowledgeFile } from '../../agent/tools/faq.ts';
import { initI18n, supportedLocales, t } from '../../i18n/i18n.ts';
import { localSessionOptions } from './local-test-kit.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { recordSession, type SessionRecorder } from '../../../test/session-recorder.ts';
import { createLocalModel } from './local-model.ts';
import type { LocalModel } from './local-model.ts';

// Tuesday 24 November 2026, 08:30 in India: the free slots are today at 10, 11 and 12.
const NOW = Date.parse('2026-11-24T03:00:00Z');
const BUSINESS = 'Asha Clinic';
const CUSTOMER = '+919876543210';

let model: LocalModel;
let team: ReadonlyMap<string, TeamAgent>;
let runnable: ReadonlyMap<string, ToolSpec>;
const stores: MemoryStore[] = [];

before(async () => {
  await initI18n();
  model = createLocalModel({ now: () => NOW, chunkMs: 100 });
  team = buildTeam({ businessName: BUSINESS, appointments: { now: () => NOW } });
  // The conversation runs any tool of the team, so a call made just before a hand-off still has its tool.
  runnable = new Map(teamTools(team.get('router')!).map((tool) => [tool.name, tool]));
});
after(async () => {
  await model.close();
  await Promise.all(stores.map((store) => store.close()));
});

interface Harness extends SessionRecorder {
  readonly session: ModelSession;
  readonly store: MemoryStore;
  /** Each hand-off the conversation made, with how many events had been emitted when it switched the agent. */
  readonly handOffs: Array<{ readonly to: string; readonly context: Readonly<Record<string, unknown>>; readonly atEvent: number }>;
  /** Runs a tool call as the conversation does (a hand_off switches the session's agent) and returns its output. */
  answer(call: Extract<ModelEvent, { type: 'tool_call' }>): Promise<string>;
}

/** A session serving `agent` (the router by default) in `locale`, a chat unless told otherwise, with its own diary. */
async function open(locale: string, overrides: Partial<ModelSessionOptions> = {}, tools: readonly AnyToolSpec[] = team.get('router')!.tools, run = runnable): Promise<Harness> {
  const store = new MemoryStore();
  stores.push(store);
  const session = await model.connect(localSessionOptions(locale, tools, overrides));
  const recorder = recordSession(session, 10_000);
  const handOffs: Harness['handOffs'] = [];
  const control: ConversationControl = {
    endAfterReply: () => undefined,
    transferAfterReply: () => true,
    async handOff(name, context) {
      const next = team.get(name);
      if (next === undefined) throw new Error(`There is no agent named "${name}".`);
      handOffs.push({ to: name, context, atEvent: recorder.events.length });
      session.updateAgent?.(next.instructions(locale, context), next.tools);
    },
  };
  return {
    session,
    store,
    handOffs,
    ...recorder,
    async answer(call) {
      const result = await runTool(run, call.name, call.arguments, {
        conversationId: 'conv',
        channel: 'whatsapp',
        locale,
        callId: call.callId,
        idempotencyKey: `conv:${call.callId}`,
        store,
        customer: CUSTOMER,
        conversation: control,
      });
      session.sendToolResult(call.callId, result.output);
      return result.output;
    },
  };
}

const assistant = (h: Harness): Promise<string> => h.next('transcript', (e) => e.role === 'assistant').then((e) => e.text);
const chat = (locale: string, key: string, vars: Record<string, unknown> = {}): string => t(locale, key, { business: BUSINESS, context: 'text', ...vars });
const lines = (...texts: string[]): string => texts.join('\n');
const toolCall = (h: Harness, name: string): Promise<Extract<ModelEvent, { type: 'tool_call' }>> => h.next('tool_call', (e) => e.name === name);
const toolNames = (h: Harness): string[] => h.events.flatMap((e) => (e.type === 'tool_call' ? [e.name] : []));

/** Books the first slot offered (today at 10) through the menu, as the caller would. */
async function bookFirstSlot(h: Harness): Promise<string> {
  h.session.sendText('2');
  await h.answer(await toolCall(h, 'hand_off'));
  await h.answer(await toolCall(h, 'check_availability'));
  await assistant(h); // the offer
  h.session.sendText('1');
  const output = await h.answer(await toolCall(h, 'book_appointment'));
  await assistant(h); // the confirmation
  return (JSON.parse(output) as { bookingId: string }).bookingId;
}

test('team: 2 hands the caller to booking first, then books; the hand-off does not restart the menu', async () => {
  const h = await open('en');
  h.session.createResponse();
  assert.equal(await assistant(h), chat('en', 'menu:mainWithStatus'));
  h.session.sendText('2');
  const handOff = await toolCall(h, 'hand_off');
  const args = JSON.parse(handOff.arguments) as { to: string; context: Record<string, unknown> };
  assert.equal(args.to, 'booking');
  assert.equal(args.context['intent'], 'booking');
  assert.equal(args.context['language'], 'en');
  assert.match(String(args.context['summary']), /booking an appointment/u);
  assert.equal((JSON.parse(await h.answer(handOff)) as { now?: string }).now, 'booking');
  const check = await toolCall(h, 'check_availability');
  // Availability is asked for only after the conversation switched to the booking agent.
  assert.equal(h.handOffs[0]?.to, 'booking');
  assert.ok(h.events.indexOf(check) >= (h.handOffs[0]?.atEvent ?? Infinity));
  await h.answer(check);
  // The caller hears the times, not the main menu again: the menu carried on where it was.
  assert.equal((await assistant(h)).split('\n')[1], '1: today at 10 in the morning');
  h.session.sendText('2');
  await h.answer(await toolCall(h, 'book_appointment'));
  assert.match(await assistant(h), /^Done\. Your appointment is booked for today at 11 in the morning\./u);
  assert.deepEqual(toolNames(h), ['hand_off', 'check_availability', 'book_appointment']);
  await h.session.close();
});

test("team: 4 on the phone says when the caller's booking is and what they owe, once paid that it is paid", async () => {
  const h = await open('en', { audioOutput: true, channel: 'twilio' });
  const bookingId = await bookFirstSlot(h);
  h.session.sendDtmf('*');
  assert.equal(await assistant(h), t('en', 'menu:mainWithStatus'));
  h.session.sendDtmf('4');
  const handOff = await toolCall(h, 'hand_off');
  assert.deepEqual(JSON.parse(handOff.arguments).to, 'status');
  assert.equal(JSON.parse(handOff.arguments).context.intent, 'status');
  await h.answer(handOff);
  const lookup = await toolCall(h, 'check_booking_status');
  assert.deepEqual(JSON.parse(lookup.arguments), {}, "no booking code: the caller's own bookings");
  assert.ok(h.events.indexOf(lookup) >= h.handOffs[1]!.atEvent, 'looked up after the hand-off to status');
  await h.answer(lookup);
  assert.equal(
    await assistant(h),
    'You have one upcoming appointment. Your appointment is today at 10 in the morning. The fee of 500 rupees is still to be paid. Is there anything else I can help with? ' +
      t('en', 'menu:mainWithStatus'),
  );
  assert.ok(h.takeAudio().length > 24_000, 'it is spoken');

  // Paid at the desk; the status agent serves already, so 4 looks up at once.
  await markPaid(h.store, bookingId, NOW);
  h.session.sendDtmf('4');
  await h.answer(await toolCall(h, 'check_booking_status'));
  assert.match(await assistant(h), /today at 10 in the morning\. The fee of 500 rupees is already paid\./u);
  assert.deepEqual(h.handOffs.map((handOff) => handOff.to), ['booking', 'status']);
  await h.session.close();
});

test('team: the booking is said in Hindi, with the fee as a Hindi chat writes it', async () => {
  const h = await open('hi');
  await bookFirstSlot(h);
  h.session.sendText('मेरी बुकिंग कब है?');
  const handOff = await toolCall(h, 'hand_off');
  assert.equal(JSON.parse(handOff.arguments).context.language, 'hi');
  await h.answer(handOff);
  await h.answer(await toolCall(h, 'check_booking_status'));
  const said = await assistant(h);
  assert.equal(
    said,
    lines(chat('hi', 'menu:statusIntro', { count: 1 }), chat('hi', 'menu:statusDue', { when: 'आज सुबह 10 बजे', fee: '₹500' }), chat('hi', 'menu:anythingElse'), chat('hi', 'menu:mainWithStatus')),
  );
  assert.match(said, /आपका अपॉइंटमेंट आज सुबह 10 बजे है। ₹500 की फ़ीस/u);
  await h.session.close();
});

test('team: with no booking the caller hears that none was found, in their language', async () => {
  const h = await open('es-419');
  h.session.sendText('¿cuándo es mi cita?');
  await h.answer(await toolCall(h, 'hand_off'));
  await h.answer(await toolCall(h, 'check_booking_status'));
  assert.equal(await assistant(h), lines(chat('es-419', 'menu:statusNone'), chat('es-419', 'menu:anythingElse'), chat('es-419', 'menu:mainWithStatus')));
  await h.session.close();
});

test('team: 3 hands the caller to escalation, then to a person', async () => {
  const h = await open('ta');
  h.session.sendText('3');
  const handOff = await toolCall(h, 'hand_off');
  assert.deepEqual([JSON.parse(handOff.arguments).to, JSON.parse(handOff.arguments).context.intent], ['escalation', 'escalation']);
  assert.equal(h.count('transfer_requested'), 0, 'not before the hand-off answered');
  await h.answer(handOff);
  assert.equal(await assistant(h), chat('ta', 'handoff:connecting'));
  await h.next('transfer_requested');
  await h.session.close();
});

for (const locale of supportedLocales) {
  test(`team ${locale}: 1 answers the hours from the knowledge texts written in ${locale}`, async () => {
    const knowledge = await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, `${locale}.json`));
    const hours = knowledge.find((entry) => entry.id === 'hours')!.answer;
    const h = await open(locale);
    h.session.sendText('1');
    const lookup = await toolCall(h, 'lookup_faq');
    assert.deepEqual(JSON.parse(lookup.arguments), { question: t(locale, 'menu:hoursQuestion') });
    await h.answer(lookup);
    assert.equal(await assistant(h), lines(hours, chat(locale, 'menu:anythingElse'), chat(locale, 'menu:mainWithStatus')));
    assert.deepEqual(toolNames(h), ['lookup_faq'], 'no hand-off for a question the router answers');
    await h.session.close();
  });
}

test('team: knowledge in another language than the caller now speaks is not read out: the menu says the hours itself', async () => {
  const h = await open('en');
  h.session.sendText('1');
  const lookup = await toolCall(h, 'lookup_faq');
  h.session.setLocale('pt-BR', ''); // the caller switched while the lookup ran
  await h.answer(lookup); // answered from en.json
  assert.equal(await assistant(h), lines(chat('pt-BR', 'menu:hours'), chat('pt-BR', 'menu:anythingElse'), chat('pt-BR', 'menu:mainWithStatus')));
  await h.session.close();
});

test('one agent alone: no option 4, no hand-off, the hours as always, and "my appointment" books', async () => {
  const { checkAvailability, bookAppointment } = appointmentTools({ now: () => NOW });
  const alone: readonly AnyToolSpec[] = [checkAvailability, bookAppointment, faqTool()];
  const h = await open('en', {}, alone, new Map(alone.map((tool) => [tool.name, tool])));
  h.session.createResponse();
  assert.equal(await assistant(h), chat('en', 'menu:main'));
  h.session.sendText('4');
  assert.equal(await assistant(h), lines(chat('en', 'menu:invalid'), chat('en', 'menu:main')));
  h.session.sendText('1');
  assert.equal(await assistant(h), lines(chat('en', 'menu:hours'), chat('en', 'menu:anythingElse'), chat('en', 'menu:main')));
  h.session.sendText('When is my appointment?');
  await h.answer(await toolCall(h, 'check_availability'));
  assert.equal((await assistant(h)).split('\n')[1], '1: today at 10 in the morning');
  assert.deepEqual(toolNames(h), ['check_availability']);
  await h.session.close();
});
