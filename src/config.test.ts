// The configuration as an operator meets it: nothing set gives a working embedded gateway, and a wrong deployment
// fails at start-up with one message that lists every problem by variable name, without printing secrets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { createStore } from './store/index.ts';

/** The problems loadConfig reports for `env` (fails the test when it accepts it). */
function problemsOf(env: Record<string, string | undefined>): { problems: readonly string[]; message: string } {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return { problems: error.problems, message: error.message };
  }
  assert.fail(`the configuration was accepted: ${JSON.stringify(env)}`);
}

test('with no environment at all: port 8080, the memory store and the local engine', async () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 8080);
  assert.equal(config.HOST, '0.0.0.0');
  assert.equal(config.REDIS_URL, undefined);
  assert.equal(config.MODEL_PROVIDER, 'local');
  assert.equal(config.DEFAULT_LOCALE, 'en');
  assert.equal(config.MAX_CONVERSATION_S, 3600);
  assert.equal(config.DRAIN_TIMEOUT_MS, 30_000);
  assert.equal(config.LOG_LEVEL, 'info');
  const store = await createStore({ redisUrl: config.REDIS_URL });
  try {
    assert.equal(store.kind, 'memory');
  } finally {
    await store.close();
  }
});

test('variables outside the schema are ignored', () => {
  const config = loadConfig({ PATH: '/usr/bin', HOME: '/root', PORT: '3000' });
  assert.equal(config.PORT, 3000);
});

test('every wrong value is reported at once, each with its variable and what it expects', () => {
  const { problems, message } = problemsOf({
    PORT: 'eighty',
    REDIS_URL: 'http://127.0.0.1:6379',
    LOG_LEVEL: 'verbose',
    DEFAULT_LOCALE: 'english',
    HUMAN_TRANSFER_NUMBER: '12345',
    MAX_CONVERSATION_S: '5',
    TWILIO_ACCOUNT_SID: 'AC12',
  });
  const expected: Record<string, RegExp> = {
    PORT: /whole number from 0 to 65535.*"eighty"/,
    REDIS_URL: /redis:\/\/ or rediss:\/\//,
    LOG_LEVEL: /one of fatal, error, warn, info, debug, trace, silent.*"verbose"/,
    DEFAULT_LOCALE: /language tag.*"english"/,
    HUMAN_TRANSFER_NUMBER: /E\.164.*"12345"/,
    MAX_CONVERSATION_S: /whole number from 10 to 86400.*"5"/,
    TWILIO_ACCOUNT_SID: /AC followed by 32 hex digits/,
  };
  assert.equal(problems.length, Object.keys(expected).length, problems.join('\n'));
  for (const [name, pattern] of Object.entries(expected)) {
    const problem = problems.find((p) => p.startsWith(`${name}: `));
    assert.ok(problem, `${name} is reported:\n${message}`);
    assert.match(problem, pattern);
  }
  for (const problem of problems) assert.ok(message.includes(problem), 'the message lists every problem');
});

test('a missing key for the chosen provider is reported together with the other problems', () => {
  const { problems } = problemsOf({ MODEL_PROVIDER: 'openai', PORT: 'eighty' });
  assert.ok(problems.some((p) => p.startsWith('PORT: ')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('OPENAI_API_KEY: ')), `both problems in one run:\n${problems.join('\n')}`);
});

test('a provider named without its key is refused, naming the key', () => {
  assert.match(problemsOf({ MODEL_PROVIDER: 'gemini' }).problems.join('\n'), /^GEMINI_API_KEY: required when MODEL_PROVIDER=gemini/m);
  assert.match(problemsOf({ MODEL_PROVIDER: 'openai' }).problems.join('\n'), /^OPENAI_API_KEY: required/m);
  assert.match(problemsOf({ MODEL_PROVIDER: 'claude' }).problems.join('\n'), /^MODEL_PROVIDER: expected one of auto, local, openai, gemini/m);
});

test('secrets are not echoed in the message', () => {
  const { message } = problemsOf({
    ADMIN_TOKEN: 'short-secret',
    REDIS_URL: 'http://default:hunter2-password@redis.internal:6379',
    PORT: 'eighty',
  });
  assert.match(message, /ADMIN_TOKEN: expected at least 16 characters/);
  assert.doesNotMatch(message, /short-secret/);
  assert.match(message, /REDIS_URL: /);
  assert.doesNotMatch(message, /hunter2-password/, 'a password inside a URL is a secret too');
});

test('auto picks the provider from the key that is set', () => {
  assert.equal(loadConfig({ OPENAI_API_KEY: 'sk-test' }).MODEL_PROVIDER, 'openai');
  assert.equal(loadConfig({ GEMINI_API_KEY: 'gm-test' }).MODEL_PROVIDER, 'gemini');
  assert.equal(loadConfig({ OPENAI_API_KEY: 'sk-test', GEMINI_API_KEY: 'gm-test' }).MODEL_PROVIDER, 'openai');
  assert.equal(loadConfig({ MODEL_PROVIDER: 'auto' }).MODEL_PROVIDER, 'local');
  assert.equal(loadConfig({ MODEL_PROVIDER: 'local', OPENAI_API_KEY: 'sk-test' }).MODEL_PROVIDER, 'local', 'an explicit choice wins');
});

test('empty or blank variables mean unset', () => {
  const config = loadConfig({ PORT: '', REDIS_URL: '', MODEL_PROVIDER: '', OPENAI_API_KEY: '   ', DEFAULT_LOCALE: ' ', LOG_LEVEL: '', ADMIN_TOKEN: '' });
  assert.equal(config.PORT, 8080);
  assert.equal(config.REDIS_URL, undefined);
  assert.equal(config.OPENAI_API_KEY, undefined);
  assert.equal(config.MODEL_PROVIDER, 'local');
  assert.equal(config.DEFAULT_LOCALE, 'en');
  assert.equal(config.LOG_LEVEL, 'info');
  assert.equal(config.ADMIN_TOKEN, undefined);
});

test('values are trimmed', () => {
  const config = loadConfig({ PORT: ' 9000 ', REDIS_URL: ' redis://127.0.0.1:6379 ', HUMAN_TRANSFER_NUMBER: '+919876543210 ' });
  assert.equal(config.PORT, 9000);
  assert.equal(config.REDIS_URL, 'redis://127.0.0.1:6379');
  assert.equal(config.HUMAN_TRANSFER_NUMBER, '+919876543210');
});

test('TWILIO_LOCALE_BY_NUMBER maps called numbers to locales', () => {
  const config = loadConfig({ TWILIO_LOCALE_BY_NUMBER: '+911234567890=hi, +551140000000 = pt-BR,+14155550100=en' });
  assert.deepEqual(config.TWILIO_LOCALE_BY_NUMBER, { '+911234567890': 'hi', '+551140000000': 'pt-BR', '+14155550100': 'en' });
  assert.equal(loadConfig({}).TWILIO_LOCALE_BY_NUMBER, undefined);
});

test('a malformed TWILIO_LOCALE_BY_NUMBER is refused with an example of the right form', () => {
  for (const value of ['+911234567890', '+911234567890=hindi', '=hi', '+911234567890=hi;+551140000000=pt-BR']) {
    const { problems } = problemsOf({ TWILIO_LOCALE_BY_NUMBER: value });
    assert.equal(problems.length, 1, value);
    assert.match(problems[0]!, /^TWILIO_LOCALE_BY_NUMBER: expected comma-separated NUMBER=LOCALE pairs, such as \+911234567890=hi/);
  }
});
