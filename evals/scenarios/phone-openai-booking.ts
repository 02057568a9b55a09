// A caller books through OpenAI Realtime by tool calls: key 2 routes to the booking specialist (hand_off) and, once
// there, books. With a single agent the first key books and the second is answered from the stored booking.
import { bookingStored } from '../checks.ts';
import { scenario } from '../scenario.ts';
import { futureSlot } from '../setups.ts';

const handOff = { to: 'booking', context: { intent: 'booking', summary: 'The caller wants to book an appointment.' } };

export default scenario({
  name: 'phone-openai-booking',
  channel: 'phone',
  setup: 'openai',
  provider: {
    toolTriggers: [
      { word: 'key 2', name: 'book_appointment', arguments: JSON.stringify({ slotId: futureSlot(3), name: 'Ravi' }) },
      { word: 'key 2', name: 'hand_off', arguments: JSON.stringify(handOff) },
    ],
  },
  steps: [
    { reply: /fake realtime model/ },
    { press: '2' },
    { reply: /All done/ },
    { press: '2' },
    { toolResult: 'book_appointment' },
    { reply: /All done/ },
    { leave: true },
  ],
  expected: { outcome: 'completed', intent: 'booking' },
  check: bookingStored,
});
