// Moments said aloud must be words a speech synthesiser reads right; written ones follow local custom.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initI18n } from '../../i18n/i18n.ts';
import { renderPrompt, sayMoment } from './prompts.ts';

const NOW = Date.parse('2026-11-24T12:00:00-03:00');
const ZONE = 'America/Sao_Paulo';

before(() => initI18n());

test('pt-BR: a spoken time is in words (eSpeak reads "14h30" as "catorze agá trinta"), a written one is 14h30', () => {
  const spoken = sayMoment('2026-11-25T14:30:00-03:00', ZONE, { locale: 'pt-BR', now: NOW });
  assert.match(spoken, /14 horas e 30 minutos/);
  assert.doesNotMatch(spoken, /\dh/);
  assert.match(sayMoment('2026-11-25T14:30:00-03:00', ZONE, { locale: 'pt-BR', now: NOW, text: true }), /14h30/);
  assert.match(sayMoment('2026-11-25T13:00:00-03:00', ZONE, { locale: 'pt-BR', now: NOW }), /às 13 horas/);
  assert.match(sayMoment('2026-11-25T01:00:00-03:00', ZONE, { locale: 'pt-BR', now: NOW }), /à 1 hora/);
});

test('12-hour locales keep the time of day in words', () => {
  const spoken = sayMoment('2026-11-25T10:00:00+05:30', 'Asia/Kolkata', { locale: 'en-IN', now: Date.parse('2026-11-24T12:00:00+05:30') });
  assert.match(spoken, /tomorrow/i);
  assert.match(spoken, /10 in the morning/);
});

test('a moment known only by its offset is said on that clock: half past midnight in India is tomorrow, not today', () => {
  const now = Date.parse('2026-11-24T20:00:00+05:30'); // 14:30 UTC, still the 24th in UTC
  const spoken = sayMoment('2026-11-25T00:30:00+05:30', '+05:30', { locale: 'en-IN', now });
  assert.match(spoken, /^tomorrow at 12:30/i);
  assert.equal(spoken, sayMoment('2026-11-25T00:30:00+05:30', 'Asia/Kolkata', { locale: 'en-IN', now }));
  const brazil = { locale: 'pt-BR', now: Date.parse('2026-11-24T22:00:00-03:00'), text: true }; // already the 25th in UTC
  assert.equal(sayMoment('2026-11-24T23:00:00-03:00', '-03:00', brazil), sayMoment('2026-11-24T23:00:00-03:00', 'America/Sao_Paulo', brazil));
  assert.match(sayMoment('2026-11-24T23:00:00-03:00', '-03:00', brazil), /^hoje às 23h/u);
});

test('a fee is said with its currency in words on calls, and written with its symbol in chats', () => {
  const due = { type: 'say', key: 'menu:statusDue', time: { iso: '2026-11-24T10:00:00+05:30', timeZone: '+05:30' }, fee: { amount: 500, currency: 'INR' } } as const;
  const context = { locale: 'en', business: 'Asha Clinic', now: Date.parse('2026-11-24T08:30:00+05:30') };
  assert.equal(renderPrompt(due, { ...context, text: false }), 'Your appointment is today at 10 in the morning. The fee of 500 rupees is still to be paid.');
  assert.match(renderPrompt(due, { ...context, text: true }), /The fee of ₹500 is still to be paid\.$/u);
  assert.match(renderPrompt(due, { ...context, locale: 'hi', text: false }), /500 रुपये की फ़ीस/u);
});

test('the business\u2019s own words are said only to a caller of their language', () => {
  const hours = { type: 'say', key: 'menu:hours', written: { text: 'We open at nine.', locale: 'en' } } as const;
  const context = { business: 'Asha Clinic', now: 0, text: true };
  assert.equal(renderPrompt(hours, { ...context, locale: 'en-GB' }), 'We open at nine.');
  assert.match(renderPrompt(hours, { ...context, locale: 'hi' }), /^Asha Clinic सोमवार से शनिवार/u);
});
