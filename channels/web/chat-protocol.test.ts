import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MESSAGE_BYTES, MAX_TEXT_CHARS, parseClientMessage } from './chat-protocol.ts';

describe('the widget chat protocol', () => {
  it('reads typed text and hang-up', () => {
    assert.deepEqual(parseClientMessage('{"type":"text","text":"  When are you open?  "}'), { ok: true, message: { type: 'text', text: 'When are you open?' } });
    assert.deepEqual(parseClientMessage('{"type":"hangup"}'), { ok: true, message: { type: 'hangup' } });
    assert.equal(parseClientMessage(JSON.stringify({ type: 'text', text: 'अपॉइंटमेंट'.repeat(50) })).ok, true, 'Devanagari within 1000 characters');
  });

  it('answers bad messages with an error code the page can show, keeping the call', () => {
    const cases: Array<[string | Uint8Array, string]> = [
      ['not json', 'bad_json'],
      [Buffer.from('{"type":"text","text":"hi"}'), 'bad_json'],
      ['{"type":"dance"}', 'unknown_type'],
      ['[]', 'unknown_type'],
      ['null', 'unknown_type'],
      ['{"type":"text"}', 'bad_message'],
      ['{"type":"text","text":"   "}', 'bad_message'],
      [JSON.stringify({ type: 'text', text: 'x'.repeat(MAX_TEXT_CHARS + 1) }), 'text_too_long'],
    ];
    for (const [input, code] of cases) {
      const parsed = parseClientMessage(input);
      assert.equal(parsed.ok, false, String(input));
      if (!parsed.ok) {
        assert.equal(parsed.code, code, String(input));
        assert.equal(parsed.fatal, false);
        assert.ok(parsed.message.length > 0);
      }
    }
  });

  it('treats a message over 4 KiB as abuse that ends the call, counting bytes not characters', () => {
    const big = parseClientMessage(JSON.stringify({ type: 'text', text: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    assert.equal(big.ok === false && big.fatal && big.code, 'message_too_large');
    // 700 Devanagari characters are under the 1000-character limit but over 4 KiB of UTF-8.
    const wide = parseClientMessage(JSON.stringify({ type: 'text', text: 'अ'.repeat(1400) }));
    assert.equal(wide.ok === false && wide.code, 'message_too_large');
    assert.equal(parseClientMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1)).ok === false, true);
  });
});
