// Typed words -> menu choices in every language, in native scripts and romanized (Hinglish), with the spelling
// variants and inflections people type.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initI18n } from '../../i18n/i18n.ts';
import { matchText, tokenize } from './keywords.ts';

before(() => initI18n());

/** [text, session locale, expected]: "intent:<name>", "digit:<d>" or "none". */
const rows: Array<[string, string, string]> = [
  ['What are your opening hours?', 'en', 'intent:hours'],
  ['timings please', 'en', 'intent:hours'],
  ['I want to book an appointment', 'en', 'intent:book'],
  ['Book appointment', 'en', 'intent:book'],
  ['what time can I book?', 'en', 'intent:book'], // booking outranks the hours word "time"
  ['Can I talk to a human', 'en', 'intent:human'],
  ['agent', 'en', 'intent:human'],
  ['book an appointment or a person', 'en', 'intent:human'], // a person outranks everything
  ['repeat that', 'en', 'intent:repeat'],
  ['again', 'en', 'intent:repeat'],
  ['ok bye', 'en', 'intent:goodbye'],
  ['Goodbye!', 'en', 'intent:goodbye'],
  ['main menu', 'en', 'intent:menu'],
  ['2', 'en', 'digit:2'],
  ['option 3 please', 'en', 'digit:3'],
  ['*', 'en', 'digit:*'],
  ['two', 'en', 'digit:2'],
  ['the second one', 'en', 'digit:2'],
  ['10 am tomorrow?', 'en', 'none'], // "10" is not a menu key
  ['hello there', 'en', 'none'],
  ['', 'en', 'none'],
  // Hindi in Devanagari
  ['क्लिनिक का समय क्या है?', 'hi', 'intent:hours'],
  ['मुझे अपॉइंटमेंट बुक करना है', 'hi', 'intent:book'],
  ['किसी इंसान से बात करनी है', 'hi', 'intent:human'],
  ['दोबारा बोलिए', 'hi', 'intent:repeat'],
  ['फिर से', 'hi', 'intent:repeat'],
  ['अलविदा', 'hi', 'intent:goodbye'],
  ['मुलाक़ात चाहिए', 'hi', 'intent:book'], // nukta spelling
  ['मुलाकात चाहिए', 'hi', 'intent:book'], // without nukta
  ['२', 'hi', 'digit:2'], // Devanagari digit
  ['दूसरा', 'hi', 'digit:2'],
  ['तीन', 'hi', 'digit:3'],
  // romanized Hindi
  ['clinic ka samay kya hai', 'hi', 'intent:hours'],
  ['samay batao', 'en', 'intent:hours'], // Hinglish in an English chat
  ['mujhe insaan se baat karni hai', 'en', 'intent:human'],
  ['dobara bolo', 'hi', 'intent:repeat'],
  ['alvida', 'en', 'intent:goodbye'],
  ['appointment book karna hai', 'hi', 'intent:book'],
  ['dusra', 'en', 'digit:2'],
  // Hindi words in an English session still work
  ['समय', 'en', 'intent:hours'],
  // the bot question, in every language; a longer phrase owns its words ("real person" inside the question)
  ['Are you a bot?', 'en', 'intent:bot'],
  ['are you a real person?', 'en', 'intent:bot'],
  ['I want a real person', 'en', 'intent:human'],
  ["I don't want a bot, give me a person", 'en', 'intent:human'], // a person outranks the question
  ['r u a bot', 'en-IN', 'intent:bot'],
  ['क्या आप रोबोट हैं?', 'hi', 'intent:bot'],
  ['क्या आप इंसान हैं', 'hi', 'intent:bot'],
  ['kya aap robot ho', 'en', 'intent:bot'],
  ['तुम्ही रोबोट आहात का?', 'mr', 'intent:bot'],
  ['நீங்கள் ரோபோவா?', 'ta', 'intent:bot'],
  ['நீங்கள் மனிதரா?', 'ta', 'intent:bot'],
  ['మీరు రోబోనా?', 'te', 'intent:bot'],
  ['আপনি কি মানুষ?', 'bn', 'intent:bot'],
  ['ನೀವು ಮನುಷ್ಯರಾ?', 'kn', 'intent:bot'],
  ['Você é um robô?', 'pt-BR', 'intent:bot'],
  ['voce e um robo', 'pt-BR', 'intent:bot'], // typed without accents
  ['¿Eres un robot?', 'es-419', 'intent:bot'],
  ['¿es usted una persona real?', 'es-419', 'intent:bot'],
  // not being recorded
  ['do not record', 'en', 'intent:noRecord'],
  ["please don't record me, I want a person", 'en', 'intent:noRecord'], // never lost behind another request
  ['रिकॉर्ड मत करो', 'hi', 'intent:noRecord'],
  ['பதிவு செய்ய வேண்டாம்', 'ta', 'intent:noRecord'],
  ['రికార్డ్ చేయవద్దు', 'te', 'intent:noRecord'],
  ['রেকর্ড করবেন না', 'bn', 'intent:noRecord'],
  ['ರೆಕಾರ್ಡ್ ಮಾಡಬೇಡಿ', 'kn', 'intent:noRecord'],
  ['रेकॉर्ड करू नका', 'mr', 'intent:noRecord'],
  ['não gravar', 'pt-BR', 'intent:noRecord'],
  ['no me grabe', 'es-419', 'intent:noRecord'],
  // the menu in every language, with inflected words matched by their stem
  ['மருத்துவமனை நேரத்தை சொல்லுங்கள்', 'ta', 'intent:hours'],
  ['சந்திப்பை முன்பதிவு செய்ய வேண்டும்', 'ta', 'intent:book'],
  ['மனிதரிடம் பேச வேண்டும்', 'ta', 'intent:human'],
  ['இரண்டு', 'ta', 'digit:2'],
  ['௩', 'ta', 'digit:3'], // Tamil digit
  ['సమయం ఎంత?', 'te', 'intent:hours'],
  ['అపాయింట్‌మెంట్ కావాలి', 'te', 'intent:book'], // with a zero-width non-joiner
  ['వ్యక్తితో మాట్లాడాలి', 'te', 'intent:human'],
  ['খোলার সময় কখন?', 'bn', 'intent:hours'],
  ['অ্যাপয়েন্টমেন্ট চাই', 'bn', 'intent:book'],
  ['বুকে ব্যথা', 'bn', 'none'], // "chest pain": বুক is not "book" on its own
  ['২', 'bn', 'digit:2'], // Bengali digit
  ['ಸಮಯ ಏನು?', 'kn', 'intent:hours'],
  ['ಅಪಾಯಿಂಟ್‌ಮೆಂಟ್ ಬೇಕು', 'kn', 'intent:book'],
  ['ಮತ್ತೊಮ್ಮೆ', 'kn', 'intent:repeat'],
  ['मला अपॉइंटमेंट हवी आहे', 'mr', 'intent:book'],
  ['उघडण्याची वेळ काय आहे?', 'mr', 'intent:hours'],
  ['पुन्हा भेटू', 'mr', 'intent:goodbye'], // not "again", not "visit"
  ['quero marcar uma consulta', 'pt-BR', 'intent:book'],
  ['qual o horário de vocês?', 'pt-BR', 'intent:hours'],
  ['quero falar com um atendente', 'pt-BR', 'intent:human'],
  ['começar de novo', 'pt-BR', 'intent:menu'],
  ['tchau', 'pt-BR', 'intent:goodbye'],
  ['dois', 'pt-BR', 'digit:2'],
  ['quiero agendar una cita', 'es-419', 'intent:book'],
  ['¿cuál es el horario?', 'es-419', 'intent:hours'],
  ['quiero hablar con una persona', 'es-419', 'intent:human'],
  ['menú principal', 'es-419', 'intent:menu'],
  ['otra vez', 'es-419', 'intent:repeat'],
  ['tres', 'es-419', 'digit:3'],
  // a booking's status: when it is and what is owed, in every language; booking something new still wins
  ['When is my appointment?', 'en', 'intent:status'],
  ['what time is my appointment', 'en', 'intent:status'], // outranks the hours word "time"
  ['how much do I owe', 'en', 'intent:status'],
  ['I want to pay my bill', 'en', 'intent:status'],
  ['book my appointment', 'en', 'intent:book'],
  ['my booking dues', 'en-IN', 'intent:status'],
  ['four', 'en', 'digit:4'],
  ['मेरा अपॉइंटमेंट कब है?', 'hi', 'intent:status'],
  ['मुझे कितना देना है', 'hi', 'intent:status'],
  ['meri booking kab hai', 'hi', 'intent:status'],
  ['चार', 'hi', 'digit:4'],
  ['माझी अपॉइंटमेंट कधी आहे?', 'mr', 'intent:status'],
  ['किती पैसे भरायचे?', 'mr', 'intent:status'],
  ['আমার অ্যাপয়েন্টমেন্ট কবে?', 'bn', 'intent:status'],
  ['কত টাকা দিতে হবে?', 'bn', 'intent:status'],
  ['என் சந்திப்பு எப்போது?', 'ta', 'intent:status'],
  ['எவ்வளவு கட்டணம்?', 'ta', 'intent:status'],
  ['நான்கு', 'ta', 'digit:4'],
  ['నా అపాయింట్‌మెంట్ ఎప్పుడు?', 'te', 'intent:status'],
  ['ఎంత చెల్లించాలి?', 'te', 'intent:status'],
  ['ನನ್ನ ಅಪಾಯಿಂಟ್‌ಮೆಂಟ್ ಯಾವಾಗ?', 'kn', 'intent:status'],
  ['ಎಷ್ಟು ಕಟ್ಟಬೇಕು?', 'kn', 'intent:status'],
  ['quando é minha consulta?', 'pt-BR', 'intent:status'],
  ['quanto devo pagar?', 'pt-BR', 'intent:status'],
  ['quero marcar minha consulta', 'pt-BR', 'intent:book'],
  ['¿cuándo es mi cita?', 'es-419', 'intent:status'],
  ['¿cuánto debo?', 'es-419', 'intent:status'],
  ['cuatro', 'es-419', 'digit:4'],
  // a question about fees or ways to pay is not about the caller's own booking ("no booking found" would be wrong)
  ['what is the consultation fee', 'en', 'none'],
  ['can I pay by card', 'en', 'none'],
  ['फ़ीस कितनी है', 'hi', 'none'],
  ['ఫీజు ఎంత', 'te', 'none'],
  ['aceitam cartão para pagar?', 'pt-BR', 'none'],
];

for (const [text, locale, expected] of rows) {
  test(`keywords: "${text}" (${locale}) -> ${expected}`, () => {
    const match = matchText(text, locale);
    const got = match === undefined ? 'none' : match.type === 'digit' ? `digit:${match.digit}` : `intent:${match.intent}`;
    assert.equal(got, expected);
  });
}

test('keywords: Devanagari words name Hindi as the language; romanized words do not', () => {
  const devanagari = matchText('समय', 'en');
  assert.ok(devanagari?.type === 'intent' && devanagari.locale === 'hi' && devanagari.nativeScript);
  const romanized = matchText('samay', 'en');
  assert.ok(romanized?.type === 'intent' && romanized.locale === 'hi' && !romanized.nativeScript);
  const english = matchText('hours', 'hi');
  assert.ok(english?.type === 'intent' && english.locale === 'en' && !english.nativeScript);
});

test('keywords: every intent a message names is reported, most important first', () => {
  const both = matchText("I don't want a bot, give me a person", 'en');
  assert.ok(both?.type === 'intent');
  assert.deepEqual(both.intents, ['human', 'bot']);
  const tamil = matchText('நீங்கள் ரோபோவா?', 'en');
  assert.ok(tamil?.type === 'intent' && tamil.locale === 'ta' && tamil.nativeScript);
});

test('keywords: tokenize folds spelling variants', () => {
  assert.deepEqual(tokenize('दबाएँ'), tokenize('दबाएं'));
  assert.deepEqual(tokenize('ज़ीरो'), tokenize('जीरो'));
  assert.deepEqual(tokenize('Press ३, NOW!'), ['press', '3', 'now']);
  assert.deepEqual(tokenize('௮ ౮ ೮ ৮'), ['8', '8', '8', '8']);
  assert.deepEqual(tokenize('Não, MENÚ'), ['nao', 'menu']);
  assert.deepEqual(tokenize('అపాయింట్‌మెంట్'), tokenize('అపాయింట్మెంట్'));
});

test('keywords: an intent the menu does not offer is left out, and its words mean what they did before it existed', () => {
  const withoutStatus = new Set(['status'] as const);
  const read = (text: string, locale: string): string | undefined => {
    const match = matchText(text, locale, withoutStatus);
    return match?.type === 'intent' ? match.intent : match?.type;
  };
  assert.equal(read('When is my appointment?', 'en'), 'book');
  assert.equal(read('मेरा अपॉइंटमेंट कब है?', 'hi'), 'book');
  assert.equal(read('¿cuándo es mi cita?', 'es-419'), 'book');
  assert.equal(read('how much do I owe', 'en'), undefined);
});
