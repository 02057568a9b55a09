// A caller asks about their booking through OpenAI Realtime: key 4 routes to the status specialist, then the status
// tool looks up the caller's own bookings.
import { toolAnswered } from '../checks.ts';
import { scenario } from '../scenario.ts';

const handOff = { to: 'status', context: { intent: 'status', summary: 'The caller asks when their appointment is and what they owe.' } };

export default scenario({
  name: 'phone-openai-status',
  channel: 'phone',
  setup: 'openai',
  provider: {
    toolTriggers: [
      { word: 'key 4', name: 'check_booking_status', arguments: '{}' },
      { word: 'key 4', name: 'hand_off', arguments: JSON.stringify(handOff) },
    ],
  },
  steps: [
    { reply: /fake realtime model/ },
    { press: '4' },
    { reply: /All done/ },
    { press: '4' },
    { toolResult: 'check_booking_status' },
    { reply: /All done/ },
    { leave: true },
  ],
  expected: { outcome: 'completed', intent: 'status' },
  check: toolAnswered('check_booking_status', (result) => Array.isArray(result.bookings)),
});
