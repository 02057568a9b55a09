// A website visitor types in the widget's chat on the local engine: asks for a booking, picks the first time.
import { bookingStored } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'widget-local-typed-booking',
  channel: 'widget',
  setup: 'local',
  steps: [
    { reply: /I am an AI/ },
    { type: 'I need an appointment' },
    { reply: /free/ },
    { type: '1' },
    { toolResult: 'book_appointment' },
    { reply: /appointment is booked/ },
    { leave: true },
  ],
  expected: { outcome: 'completed', intent: 'booking' },
  check: bookingStored,
});
