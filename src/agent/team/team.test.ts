// The default team as the conversation and the providers see it: a router and three specialists, each with only
// the tools its job needs and one shared hand_off whose `to` lists every member; instructions in every served
// locale with that country's emergency number and currency; and, after a hand-off, the previous agent's context so
// the customer is not asked twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineTool } from '../../core/tool.ts';
import { geminiSchema as strictGeminiSchema } from '../../../test/fakes/gemini-live-server-schemas.ts';
import { functionDeclarations } from '../../models/gemini/function-declarations.ts';
import { teamTools } from '../agent.ts';
import { defaultAgent } from '../default-agent.ts';
import { toolJsonSchema } from '../tool-schema.ts';
import { DEFAULT_BUSINESS_HOURS } from '../tools/appointments.ts';

/** Paths of OBJECT nodes without properties, which the Gemini API refuses. */
function emptyObjects(node: Record<string, unknown>, path = ''): string[] {
  const properties = node['properties'] as Record<string, Record<string, unknown>> | undefined;
  const here = node['type'] === 'OBJECT' && Object.keys(properties ?? {}).length === 0 ? [path || '(root)'] : [];
  const items = node['items'] as Record<string, unknown> | undefined;
  return [
    ...here,
    ...Object.entries(properties ?? {}).flatMap(([name, child]) => emptyObjects(child, `${path}.${name}`)),
    ...(items ? emptyObjects(items, `${path}[]`) : []),
  ];
}

const names = (tools: readonly { name: string }[]): string[] => tools.map((tool) => tool.name);

test('the router is the entry; every member shares one team map and has its own tools', () => {
  const router = defaultAgent();
  assert.equal(router.name, 'router');
  assert.equal(router.intent, undefined);
  assert.deepEqual([...router.team.keys()], ['router', 'booking', 'status', 'escalation']);
  assert.equal(router.team.get('router'), router);
  for (const member of router.team.values()) assert.equal(member.team, router.team, member.name);

  const toolsOf = (name: string): string[] => names(router.team.get(name)!.tools);
  assert.deepEqual(toolsOf('router'), ['lookup_faq', 'hand_off', 'end_conversation']);
  assert.deepEqual(toolsOf('booking'), ['check_availability', 'book_appointment', 'send_whatsapp_message', 'hand_off', 'end_conversation']);
  assert.deepEqual(toolsOf('status'), ['check_booking_status', 'send_whatsapp_message', 'hand_off', 'end_conversation']);
  assert.deepEqual(toolsOf('escalation'), ['transfer_to_human', 'end_conversation', 'hand_off']);
  assert.deepEqual([...router.team.values()].map((member) => member.intent), [undefined, 'booking', 'status', 'escalation']);
  // A call made by one member just before a hand-off still finds its tool in the conversation's tool map.
  assert.deepEqual(names(teamTools(router)).sort(), [
    'book_appointment', 'check_availability', 'check_booking_status', 'end_conversation', 'hand_off', 'lookup_faq', 'send_whatsapp_message', 'transfer_to_human',
  ]);
});

test("hand_off is one tool for the whole team, and every provider's schema lists exactly the members", () => {
  const router = defaultAgent();
  const handOffs = new Set([...router.team.values()].map((member) => member.tools.find((tool) => tool.name === 'hand_off')));
  assert.equal(handOffs.size, 1);
  const [handOff] = handOffs;
  for (const target of ['draft-07', 'draft-2020-12', 'openapi-3.0'] as const) {
    const schema = toolJsonSchema(handOff!, target) as { required: string[]; properties: { to: { enum: string[] }; context: { required: string[]; properties: { intent: { enum: string[] } } } } };
    assert.deepEqual(schema.properties.to.enum, ['router', 'booking', 'status', 'escalation'], target);
    assert.deepEqual(schema.required, ['to', 'context'], target);
    assert.deepEqual(schema.properties.context.required, ['intent', 'summary'], target);
    assert.deepEqual(schema.properties.context.properties.intent.enum, ['booking', 'status', 'escalation', 'faq', 'other'], target);
  }
  // Gemini Live refuses a whole session over one schema it cannot read: every member's declarations must pass.
  for (const member of router.team.values()) {
    for (const declaration of functionDeclarations(member.tools)) {
      if (declaration.parameters === undefined) continue;
      const checked = strictGeminiSchema.safeParse(declaration.parameters);
      assert.equal(checked.success, true, `${member.name}/${declaration.name}: ${JSON.stringify(checked.error?.issues)}`);
      // "properties: should be non-empty for OBJECT type", which the fake does not check.
      assert.deepEqual(emptyObjects(declaration.parameters), [], `${member.name}/${declaration.name}`);
    }
  }
});

test("the business's own tools reach the router and every specialist", () => {
  const extra = defineTool('order_lookup', 'Finds an order by its number.', z.object({ order: z.string() }), async () => ({}));
  const router = defaultAgent({ businessName: 'Sharma Dental', extraTools: [extra] });
  for (const member of router.team.values()) {
    assert.ok(member.tools.includes(extra), member.name);
    assert.equal(member.businessName, 'Sharma Dental');
    assert.match(member.instructions('en-IN'), /virtual assistant of Sharma Dental/u);
  }
});

const LOCALES: ReadonlyArray<[locale: string, language: string]> = [
  ['hi-IN', 'Hindi'],
  ['ta-IN', 'Tamil'],
  ['te-IN', 'Telugu'],
  ['bn-IN', 'Bengali'],
  ['mr-IN', 'Marathi'],
  ['kn-IN', 'Kannada'],
  ['en-IN', 'Indian English'],
  ['pt-BR', 'Brazilian Portuguese'],
  ['es-419', 'Latin American Spanish'],
  ['en-US', 'English'],
];

test("every member's instructions, in each served locale: the language, and the emergency number and currency of the business's country", () => {
  const router = defaultAgent(); // the demo clinic, in Asia/Kolkata
  for (const member of router.team.values()) {
    for (const [locale, language] of LOCALES) {
      const text = member.instructions(locale);
      const where = `${member.name} ${locale}`;
      assert.ok(text.includes(`Reply in ${language} (${locale})`), where);
      assert.match(text, /call 112 straight away/u, `${where}: a caller of a clinic in India dials 112, whatever their language`);
      assert.equal((text.match(/\b(112|192|911)\b/gu) ?? []).length, 1, `${where}: one emergency number only`);
      assert.match(text, /Prices are in [A-Za-z. ]+ \(INR\)/u, where);
      assert.match(text, /say truthfully, in their language, that you are an AI assistant of Asha Clinic/u, where);
      assert.doesNotMatch(text, /Context from the previous agent/u, `${where}: no context without a hand-off`);
    }
  }
});

test("a business in Brazil or Mexico gives its own country's emergency number and currency; an unknown time zone follows the customer's language", () => {
  const cases: ReadonlyArray<[timeZone: string, locale: string, emergency: RegExp, currency: string]> = [
    ['America/Sao_Paulo', 'pt-BR', /call SAMU on 192 straight away/u, 'BRL'],
    ['America/Sao_Paulo', 'es-419', /call SAMU on 192 straight away/u, 'BRL'],
    ['America/Mexico_City', 'es-419', /call 911 straight away/u, 'MXN'],
    ['UTC', 'pt-BR', /call SAMU on 192 straight away/u, 'BRL'],
    ['UTC', 'es-419', /call 911 straight away/u, 'MXN'],
    ['UTC', 'hi-IN', /call 112 straight away/u, 'INR'],
  ];
  for (const [timeZone, locale, emergency, currency] of cases) {
    const router = defaultAgent({ appointments: { hours: { ...DEFAULT_BUSINESS_HOURS, timeZone } } });
    const text = router.team.get('booking')!.instructions(locale);
    assert.match(text, emergency, `${timeZone} ${locale}`);
    assert.match(text, new RegExp(`Prices are in [A-Za-z. ]+ \\(${currency}\\)`, 'u'), `${timeZone} ${locale}`);
  }
});

test('each specialist is told its own job; the router to hand off at once with what the customer said', () => {
  const { team } = defaultAgent();
  const router = team.get('router')!.instructions('hi-IN');
  assert.match(router, /call hand_off as soon as the intent is clear, asking at most one short clarifying question/u);
  assert.match(router, /what they want in `summary`/u);
  assert.match(router, /call lookup_faq/u);
  assert.match(team.get('booking')!.instructions('hi-IN'), /call book_appointment only with a slotId it returned/u);
  assert.match(team.get('status')!.instructions('hi-IN'), /Call check_booking_status with the booking code if the customer gave one, else without it/u);
  assert.match(team.get('escalation')!.instructions('hi-IN'), /call transfer_to_human/u);
});

test('after a hand-off the instructions end with the previous agent\u2019s context, so nothing is asked twice', () => {
  const booking = defaultAgent().team.get('booking')!;
  const text = booking.instructions('pt-BR', {
    intent: 'booking',
    summary: 'Wants a check-up on Thursday morning for her son.',
    customerName: 'Maria',
    language: 'pt-BR',
    details: { day: 'Thursday', morning: true, people: 2 },
  });
  const block = text.slice(text.indexOf('Context from the previous agent'));
  assert.ok(text.indexOf('Context from the previous agent') > text.indexOf('You book appointments'), 'the block comes last');
  assert.match(block, /Intent: booking\./u);
  assert.match(block, /Summary: Wants a check-up on Thursday morning for her son\./u);
  assert.match(block, /Customer name: Maria\./u);
  assert.match(block, /Details: day: Thursday; morning: true; people: 2\./u);
  assert.match(block, /Do not ask again for anything it gives/u);
  assert.match(text, /Reply in Brazilian Portuguese \(pt-BR\)/u);

  // A context with nothing usable (an old record, a stray value) adds no empty block.
  assert.doesNotMatch(booking.instructions('pt-BR', { details: ['x'], summary: 42 }), /Context from the previous agent/u);
});
