// The default agent: the clinic's name and hours reach the instructions, the reply language is named, and the
// booking tools are there with schemas every provider can be given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BUSINESS_NAME, defaultAgent } from './default-agent.ts';

test('default agent: instructions name the business, the hours and the reply language', () => {
  const agent = defaultAgent();
  assert.equal(agent.businessName, DEFAULT_BUSINESS_NAME);
  const hindi = agent.instructions('hi');
  assert.match(hindi, /virtual assistant of Asha Clinic/u);
  assert.match(hindi, /Reply in Hindi \(hi\)/u);
  assert.match(hindi, /Monday to Saturday, 10:00 to 18:00 \(Asia\/Kolkata time\)/u);
  assert.match(hindi, /You are an AI/u);
  assert.match(agent.instructions('en-IN'), /Reply in English \(India\) \(en-IN\)/u);
  assert.match(defaultAgent({ businessName: 'Sharma Dental' }).instructions('en'), /Sharma Dental/u);
});

test('default agent: the booking tools with JSON schemas for providers', () => {
  const { tools } = defaultAgent();
  assert.deepEqual(tools.map((tool) => tool.name), ['check_availability', 'book_appointment']);
  for (const tool of tools) {
    const schema = tool.input['~standard'].jsonSchema?.input({ target: 'draft-2020-12' });
    assert.equal(schema?.['type'], 'object', tool.name);
    assert.ok(tool.description.length > 20);
  }
  const book = tools[1]!.input['~standard'].jsonSchema?.input({ target: 'draft-2020-12' });
  assert.deepEqual(book?.['required'], ['slotId']);
});
