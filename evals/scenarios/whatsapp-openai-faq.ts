// A WhatsApp customer asks about parking in text through OpenAI Realtime: the model looks it up in the knowledge
// base (lookup_faq) and answers in text.
import { toolAnswered, whatsAppAnswered } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'whatsapp-openai-faq',
  channel: 'whatsapp',
  setup: 'openai',
  provider: { toolTriggers: [{ word: 'park', name: 'lookup_faq', arguments: JSON.stringify({ question: 'Is there parking?' }) }] },
  steps: [{ type: 'Hello, where can I park my car?' }, { toolResult: 'lookup_faq' }, { reply: /All done/ }, { leave: true }],
  expected: { outcome: 'completed', intent: 'faq' },
  check: whatsAppAnswered(/All done/, toolAnswered('lookup_faq', (result) => result.found === true)),
});
