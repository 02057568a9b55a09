// A caller asks the opening hours with the keypad, then ends the call with 0: answered, and ended by the agent.
import { nothingDone } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'phone-local-hours',
  channel: 'phone',
  setup: 'local',
  steps: [
    { reply: /I am an AI/ },
    { press: '1' },
    { reply: /Monday to Saturday/ },
    { press: '0' },
    { reply: /Goodbye/ },
  ],
  expected: { outcome: 'completed', intent: 'faq' },
  check: nothingDone,
});
