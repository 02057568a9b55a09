// A WhatsApp customer asks the opening hours on the local engine, then says goodbye.
import { whatsAppAnswered } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'whatsapp-local-faq',
  channel: 'whatsapp',
  setup: 'local',
  steps: [
    { type: 'What are your opening hours?' },
    { reply: /Monday to Saturday/ },
    { type: 'bye' },
    { reply: /Thank you for contacting/ },
  ],
  expected: { outcome: 'completed', intent: 'faq' },
  check: whatsAppAnswered(/Monday to Saturday/),
});
