// Moments said aloud must be words a speech synthesiser reads right; written ones follow local custom.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initI18n } from '../../i18n/i18n.ts';
import { sayMoment } from './prompts.ts';

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
