// A WhatsApp customer asks for a person on the local engine: staff are told through the hand-off webhook.
import { handedToStaff } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'whatsapp-local-ask-person',
  channel: 'whatsapp',
  setup: 'local',
  steps: [{ type: 'Can I talk to a real person please' }, { reply: /passing this chat to a person/ }],
  expected: { outcome: 'escalated', intent: 'escalation' },
  check: handedToStaff,
});
