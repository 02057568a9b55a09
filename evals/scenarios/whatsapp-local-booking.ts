// A WhatsApp customer books by keywords on the local engine: "book an appointment", then the number of a time.
import { bookingStored, whatsAppAnswered } from '../checks.ts';
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'whatsapp-local-booking',
  channel: 'whatsapp',
  setup: 'local',
  steps: [
    { type: 'Hi, I would like to book an appointment please' },
    { reply: /free/ },
    { type: '1' },
    { toolResult: 'book_appointment' },
    { reply: /appointment is booked/ },
    { leave: true },
  ],
  expected: { outcome: 'completed', intent: 'booking' },
  check: whatsAppAnswered(/appointment is booked/, bookingStored),
});
