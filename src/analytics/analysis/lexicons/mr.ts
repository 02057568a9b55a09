// Marathi in Devanagari: intent keywords and sentiment words. The negation comes after the word (चांगले नाही).
import type { LanguageLexicon } from './types.ts';

export const marathi: LanguageLexicon = {
  language: 'mr',
  intents: {
    booking: ['बुक*', 'अपॉइंटमेंट*', 'भेटीची वेळ', 'वेळ हवी', 'वेळ घ्याय*', 'आरक्षण*', 'स्लॉट*'],
    status: ['स्थिती', 'माझी बुकिंग', 'माझे बुकिंग', 'माझी अपॉइंटमेंट', 'कधी आहे', 'पेमेंट*', 'बिल', 'किती द्याय*', 'किती पैसे', 'बाकी'],
    escalation: ['माणूस', 'माणसाशी', 'व्यक्तीशी', 'मॅनेजर*', 'तक्रार*', 'कोणाशी तरी बोल*'],
    faq: ['किती वाजता', 'उघड*', 'किंमत', 'शुल्क', 'फी', 'पत्ता', 'कुठे आहे'],
  },
  positive: ['धन्यवाद', 'आभार*', 'छान', 'मस्त', 'उत्तम', 'आनंद*', 'समाधानी', 'चांगल*'],
  negative: ['वाईट', 'खराब', 'बेकार', 'राग*', 'त्रास*', 'नाराज*', 'अडचण*', 'समस्या', 'निराश*', 'भयंकर', 'तक्रार*'],
  negators: ['नाही', 'नको', 'न'],
  negatorPosition: 'after',
};
