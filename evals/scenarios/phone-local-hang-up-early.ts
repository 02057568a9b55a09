// A caller hangs up during the greeting: nothing was done, and analytics must call it abandoned.
import { nothingDone } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'phone-local-hang-up-early',
  channel: 'phone',
  setup: 'local',
  steps: [{ reply: /I am an AI/ }, { leave: true }],
  expected: { outcome: 'abandoned', intent: 'other' },
  check: nothingDone,
});
