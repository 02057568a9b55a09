// A caller presses 3 for a person on the local engine: the call is handed to staff through Twilio's REST API.
import { dialedStaff } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'phone-local-ask-person',
  channel: 'phone',
  setup: 'local',
  steps: [
    { reply: /I am an AI/ },
    { press: '3' },
    { reply: /connecting you to a person/ },
    { event: /^transferred/, timeoutMs: 20_000 },
    // Twilio ends the media stream once the call is redirected to the <Dial>.
    { leave: true },
  ],
  expected: { outcome: 'escalated', intent: 'escalation' },
  check: dialedStaff,
});
