// The default agent: the clinic's name and hours reach the instructions, the reply language is named, and the
// team's tools are there with schemas every provider can be given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teamTools } from './agent.ts';
import { DEFAULT_BUSINESS_NAME, defaultAgent } from './default-agent.ts';

test('default agent: instructions name the business, the hours and the reply language', () => {
  const agent = defaultAgent();
  assert.equal(agent.businessName, DEFAULT_BUSINESS_NAME);
  const hindi = agent.instructions('hi');
  assert.match(hindi, /virtual assistant of Asha Clinic/u);
  assert.match(hindi, /Reply in Hindi \(hi\)/u);
  assert.match(hindi, /Monday to Saturday, 10:00 to 18:00 \(Asia\/Kolkata time\)/u);
  assert.match(hindi, /You are an AI/u);
  assert.match(agent.instructions('en-IN'), /Reply in Indian English \(en-IN\)/u);
});

test('default agent: every locale names its language and asks for a truthful answer to "are you a bot?"', () => {
  const agent = defaultAgent();
  const languages: Array<[string, string]> = [
    ['hi', 'Hindi'], ['mr', 'Marathi'], ['ta', 'Tamil'], ['te', 'Telugu'], ['bn', 'Bengali'], ['kn', 'Kannada'],
    ['en-IN', 'Indian English'], ['pt-BR', 'Brazilian Portuguese'], ['es-419', 'Latin American Spanish'], ['es-MX', 'Latin American Spanish'],
    ['fr', 'French'], // not served by the local engine, still named right for a cloud model
  ];
  for (const [locale, name] of languages) {
    const instructions = agent.instructions(locale);
    assert.ok(instructions.includes(`Reply in ${name} (${locale})`), `${locale}: ${instructions.slice(0, 160)}`);
    assert.match(instructions, /asks whether you are a person, a bot or a machine, say truthfully, in their language, that you are an AI assistant of Asha Clinic/u);
  }
  assert.match(defaultAgent({ businessName: 'Sharma Dental' }).instructions('en'), /Sharma Dental/u);
});

test('default agent: the router greets with FAQ and hand-off tools; the team has every tool, with JSON schemas for providers', () => {
  const agent = defaultAgent();
  assert.equal(agent.name, 'router');
  assert.deepEqual(agent.tools.map((tool) => tool.name), ['lookup_faq', 'hand_off', 'end_conversation']);
  const tools = teamTools(agent);
  for (const tool of tools) {
    const schema = tool.input['~standard'].jsonSchema?.input({ target: 'draft-2020-12' });
    assert.equal(schema?.['type'], 'object', tool.name);
    assert.ok(tool.description.length > 20);
  }
  const book = tools.find((tool) => tool.name === 'book_appointment')!.input['~standard'].jsonSchema?.input({ target: 'draft-2020-12' });
  assert.deepEqual(book?.['required'], ['slotId']);
});
