// The lexicon classifier on what customers write and say, in each served language and script: a sample per locale
// for intent and one for sentiment (each checked by hand against the word lists), negation in the forms each
// language uses, romanised Hindi, and the spelling variants people type for one word.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyIntent, fold, scoreSentiment, sentimentLabel } from './lexicon.ts';

interface Sample {
  readonly locale: string;
  readonly text: string;
  readonly intent: string;
  readonly sentiment: 'positive' | 'neutral' | 'negative';
}

// Intent and sentiment of each, read by a person: the classifier must agree.
const SAMPLES: readonly Sample[] = [
  { locale: 'en-IN', text: 'I want to book an appointment for tomorrow, thank you', intent: 'booking', sentiment: 'positive' },
  { locale: 'en-US', text: 'I need to talk to a real person. This is useless', intent: 'escalation', sentiment: 'negative' },
  { locale: 'hi-IN', text: 'मुझे कल के लिए अपॉइंटमेंट बुक करना है। बहुत धन्यवाद', intent: 'booking', sentiment: 'positive' },
  { locale: 'hi-IN', text: 'मेरी बुकिंग कब है? सेवा बहुत खराब है', intent: 'status', sentiment: 'negative' },
  { locale: 'hi-IN', text: 'आप कितने बजे खुलते हैं?', intent: 'faq', sentiment: 'neutral' },
  { locale: 'mr-IN', text: 'मला उद्या अपॉइंटमेंट बुक करायची आहे. खूप छान, धन्यवाद', intent: 'booking', sentiment: 'positive' },
  { locale: 'mr-IN', text: 'माझी बुकिंग कधी आहे? सेवा वाईट आहे', intent: 'status', sentiment: 'negative' },
  { locale: 'bn-IN', text: 'আমি একটা অ্যাপয়েন্টমেন্ট বুক করতে চাই। ধন্যবাদ', intent: 'booking', sentiment: 'positive' },
  { locale: 'bn-IN', text: 'আমি ম্যানেজারের সাথে কথা বলতে চাই, খুব খারাপ', intent: 'escalation', sentiment: 'negative' },
  { locale: 'ta-IN', text: 'நாளைக்கு ஒரு அப்பாயின்ட்மென்ட் முன்பதிவு செய்ய வேண்டும். நன்றி', intent: 'booking', sentiment: 'positive' },
  { locale: 'ta-IN', text: 'மேலாளரிடம் பேச வேண்டும், ரொம்ப மோசம்', intent: 'escalation', sentiment: 'negative' },
  { locale: 'te-IN', text: 'నాకు రేపు అపాయింట్‌మెంట్ బుక్ చేయాలి. ధన్యవాదాలు', intent: 'booking', sentiment: 'positive' },
  { locale: 'te-IN', text: 'ధర ఎంత? మీ చిరునామా ఏమిటి?', intent: 'faq', sentiment: 'neutral' },
  { locale: 'kn-IN', text: 'ನಾಳೆಗೆ ಅಪಾಯಿಂಟ್‌ಮೆಂಟ್ ಬುಕ್ ಮಾಡಬೇಕು. ಧನ್ಯವಾದಗಳು', intent: 'booking', sentiment: 'positive' },
  { locale: 'kn-IN', text: 'ನನ್ನ ಬುಕಿಂಗ್ ಯಾವಾಗ? ತುಂಬಾ ಕೆಟ್ಟದಾಗಿದೆ', intent: 'status', sentiment: 'negative' },
  { locale: 'pt-BR', text: 'Quero agendar uma consulta para amanhã. Muito obrigado, ótimo atendimento', intent: 'booking', sentiment: 'positive' },
  { locale: 'pt-BR', text: 'Quero falar com um atendente humano, que absurdo', intent: 'escalation', sentiment: 'negative' },
  { locale: 'es-419', text: 'Quiero hacer una cita para mañana. Muchas gracias, excelente', intent: 'booking', sentiment: 'positive' },
  { locale: 'es-419', text: '¿Cuál es el estado de mi cita? Ya pagué la factura', intent: 'status', sentiment: 'neutral' },
  { locale: 'es-419', text: '¿Cuánto cuesta la consulta? ¿Dónde están ubicados?', intent: 'faq', sentiment: 'neutral' },
];

describe('a sample per locale', () => {
  for (const sample of SAMPLES) {
    test(`${sample.locale}: ${sample.text}`, () => {
      assert.equal(classifyIntent([sample.text], sample.locale).intent, sample.intent);
      assert.equal(scoreSentiment([sample.text], sample.locale).label, sample.sentiment);
    });
  }
});

test('romanised Hindi (Hinglish) is read in the Indian locales', () => {
  assert.equal(classifyIntent(['meri booking kab hai?'], 'hi-IN').intent, 'status');
  assert.equal(classifyIntent(['kisi insaan se baat karni hai'], 'en-IN').intent, 'escalation');
  assert.equal(classifyIntent(['kitne baje khulta hai aur kitne ka hai'], 'hi-IN').intent, 'faq');
  assert.equal(scoreSentiment(['bahut accha laga, dhanyavad'], 'hi-IN').label, 'positive');
  assert.equal(scoreSentiment(['bakwas service hai, bahut gussa aa raha hai'], 'hi-IN').label, 'negative');
});

describe('negation', () => {
  test('before the word in English, Portuguese and Spanish', () => {
    assert.equal(scoreSentiment(['The service was good'], 'en-US').label, 'positive');
    assert.equal(scoreSentiment(['The service was not good'], 'en-US').label, 'negative');
    assert.equal(scoreSentiment(["It wasn't very helpful"], 'en-US').label, 'negative');
    assert.equal(scoreSentiment(['O atendimento não foi bom'], 'pt-BR').label, 'negative');
    assert.equal(scoreSentiment(['No estoy contento'], 'es-419').label, 'negative');
  });

  test('a negated complaint is mildly positive: "no problem"', () => {
    const noProblem = scoreSentiment(['No problem'], 'en-US');
    assert.equal(noProblem.label, 'positive');
    assert.ok(noProblem.score < scoreSentiment(['Great'], 'en-US').score, 'weaker than a plain positive word');
    assert.equal(scoreSentiment(['कोई दिक्कत नहीं'], 'hi-IN').label, 'positive');
  });

  test('after the word in the Indian languages', () => {
    assert.equal(scoreSentiment(['बहुत अच्छा नहीं था'], 'hi-IN').label, 'negative');
    assert.equal(scoreSentiment(['सेवा चांगली नाही'], 'mr-IN').label, 'negative');
    assert.equal(scoreSentiment(['পরিষেবা ভালো না'], 'bn-IN').label, 'negative');
    assert.equal(scoreSentiment(['சேவை நல்லா இல்ல'], 'ta-IN').label, 'negative');
    assert.equal(scoreSentiment(['సేవ బాగా లేదు'], 'te-IN').label, 'negative');
    assert.equal(scoreSentiment(['bahut accha nahi tha'], 'hi-IN').label, 'negative');
  });

  test('negation fused into the word (Dravidian languages)', () => {
    assert.equal(scoreSentiment(['ಸೇವೆ ಚೆನ್ನಾಗಿದೆ'], 'kn-IN').label, 'positive');
    assert.equal(scoreSentiment(['ಸೇವೆ ಚೆನ್ನಾಗಿಲ್ಲ'], 'kn-IN').label, 'negative');
    assert.equal(scoreSentiment(['సేవ బాగాలేదు'], 'te-IN').label, 'negative');
  });

  test('does not reach across a comma or a full stop', () => {
    assert.equal(scoreSentiment(['No, it was great'], 'en-US').label, 'positive');
    assert.equal(scoreSentiment(['Great. Not much else to say'], 'en-US').label, 'positive');
  });
});

test('greetings carry no sentiment', () => {
  assert.equal(scoreSentiment(['Good morning, I want to book'], 'en-US').score, 0);
  assert.equal(scoreSentiment(['Boa tarde, quero agendar'], 'pt-BR').score, 0);
  assert.equal(scoreSentiment(['Buenas tardes'], 'es-419').score, 0);
});

test('a longer phrase owns its words: "my booking" asks about one, it does not make one', () => {
  assert.deepEqual(classifyIntent(['Can you check my booking'], 'en-US').scores, { booking: 0, status: 1, escalation: 0, faq: 0 });
  assert.equal(classifyIntent(['I would like to book a slot'], 'en-US').intent, 'booking');
});

test('the words a customer typed in several messages add up; nothing recognisable is "other"', () => {
  assert.equal(classifyIntent(['hello', 'what are your hours?', 'and the price?', 'I might book later'], 'en-US').intent, 'faq');
  assert.equal(classifyIntent(['hello', 'hmm'], 'en-US').intent, 'other');
  assert.equal(classifyIntent([], 'hi-IN').intent, 'other');
  assert.equal(scoreSentiment([], 'hi-IN').score, 0);
});

test('a customer who switches language mid-conversation is still read: Indian scripts run in every locale', () => {
  assert.equal(classifyIntent(['मेरी बुकिंग कब है?'], 'en-US').intent, 'status');
  assert.equal(scoreSentiment(['நன்றி'], 'hi-IN').label, 'positive');
});

test('Portuguese and Spanish words are read only in those locales, so they cannot mislead an English conversation', () => {
  assert.equal(scoreSentiment(['legal'], 'pt-BR').label, 'positive');
  assert.equal(scoreSentiment(['that is legal'], 'en-US').label, 'neutral');
});

test('spellings people type for the same word count the same', () => {
  assert.equal(fold('NÃO'), fold('nao'));
  assert.equal(fold('नाराज़'), fold('नाराज'));
  assert.equal(fold('कहाँ'), fold('कहां'));
  assert.equal(fold('అపాయింట్‌మెంట్'), fold('అపాయింట్మెంట్'));
  assert.equal(scoreSentiment(['Nao gostei, pessimo'], 'pt-BR').label, 'negative');
  assert.equal(scoreSentiment(['I don’t like it, it’s not good'], 'en-US').label, 'negative');
});

test('scores stay within -1..1 and labels follow the ±0.2 thresholds', () => {
  const furious = scoreSentiment(['terrible awful horrible useless worst angry rude ridiculous'], 'en-US');
  assert.ok(furious.score > -1 && furious.score <= -0.8, String(furious.score));
  assert.equal(scoreSentiment(['thanks'], 'en-US').score, 0.5);
  assert.equal(sentimentLabel(0.2), 'positive');
  assert.equal(sentimentLabel(0.19), 'neutral');
  assert.equal(sentimentLabel(-0.2), 'negative');
  assert.equal(sentimentLabel(-0.19), 'neutral');
});
