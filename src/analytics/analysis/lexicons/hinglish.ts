// Hindi typed in Latin letters (Hinglish), as many Indian customers write on WhatsApp and the web chat. English
// nouns (booking, appointment, payment) come from the English list, which runs alongside this one.
import type { LanguageLexicon } from './types.ts';

export const hinglish: LanguageLexicon = {
  language: 'hi-Latn',
  intents: {
    booking: ['apointment*', 'appoinment*', 'samay chahiye', 'time chahiye', 'book karna', 'book karni', 'book kar'],
    status: ['kab hai', 'mera booking', 'meri booking', 'mera appointment', 'meri appointment', 'kitna dena', 'kitne paise', 'bill kitna', 'baaki', 'bakaya', 'payment hua'],
    escalation: ['insaan', 'insan', 'kisi se baat', 'aadmi se', 'manager se', 'shikayat*'],
    faq: ['kitne baje', 'kab khul*', 'kab band', 'kitne ka', 'kitna charge', 'kahan hai', 'kaha hai', 'address kya'],
  },
  positive: ['dhanyavad', 'dhanyawad', 'shukriya', 'badhiya', 'badiya', 'bahut accha', 'bahut acha', 'bahut achha', 'mast', 'khush', 'shandar', 'accha laga', 'acha laga'],
  negative: ['bekar', 'bekaar', 'kharab', 'bakwas', 'bakwaas', 'gussa', 'pareshan*', 'naraz', 'naraaz', 'dikkat', 'samasya', 'ghatiya', 'bura', 'buri'],
  negators: ['nahi', 'nahin', 'nhi', 'mat'],
  negatorPosition: 'after',
};
