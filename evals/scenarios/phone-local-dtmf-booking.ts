// A caller books with the keypad on the local engine: 2 for a booking, 1 for the first time offered.
import { bookingStored } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'phone-local-dtmf-booking',
  channel: 'phone',
  setup: 'local',
  steps: [
    { reply: /I am an AI/ },
    { press: '2' },
    { reply: /free/ },
    { press: '1' },
    { toolResult: 'book_appointment' },
    { reply: /appointment is booked/ },
    { leave: true },
  ],
  expected: { outcome: 'completed', intent: 'booking' },
  check: bookingStored,
});
