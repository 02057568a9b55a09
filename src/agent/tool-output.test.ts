// What the model reads back from a tool: compact JSON, and never more than the cap, whatever the tool returned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capOutput, checkMaxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES, resultJson } from './tool-output.ts';

interface Marker {
  truncated: true;
  fullBytes: number;
  partial: string;
}

function checkCut(json: string, maxBytes: number): Marker {
  const capped = capOutput(json, maxBytes);
  assert.ok(Buffer.byteLength(capped) <= maxBytes, `${Buffer.byteLength(capped)} bytes for a cap of ${maxBytes}`);
  const marker = JSON.parse(capped) as Marker;
  assert.equal(marker.truncated, true);
  assert.equal(marker.fullBytes, Buffer.byteLength(json));
  assert.ok(json.startsWith(marker.partial), 'the start of the real answer');
  // Most of the room is used for the answer, not wasted.
  assert.ok(Buffer.byteLength(capped) > maxBytes - 12, `only ${Buffer.byteLength(capped)} of ${maxBytes} bytes used`);
  return marker;
}

test('an answer within the cap is passed through untouched', () => {
  const json = JSON.stringify({ slots: ['10:00', '11:00'] });
  assert.equal(capOutput(json), json);
  const exact = JSON.stringify({ text: 'x'.repeat(DEFAULT_MAX_OUTPUT_BYTES - 11) });
  assert.equal(Buffer.byteLength(exact), DEFAULT_MAX_OUTPUT_BYTES);
  assert.equal(capOutput(exact), exact);
});

test('a longer answer becomes a small valid JSON object that says it was cut and keeps the start', () => {
  const json = JSON.stringify({ orders: Array.from({ length: 500 }, (_, i) => ({ id: `order-${i}`, total: i * 10 })) });
  const marker = checkCut(json, DEFAULT_MAX_OUTPUT_BYTES);
  assert.match(marker.partial, /^\{"orders":\[\{"id":"order-0","total":0\}/);
  assert.equal(capOutput(JSON.stringify({ text: 'x'.repeat(DEFAULT_MAX_OUTPUT_BYTES - 10) })).startsWith('{"truncated":true'), true);
});

test('text that escapes into more bytes (quotes, newlines, control characters) still fits the cap', () => {
  checkCut(JSON.stringify({ html: '<p class="x">\n\t"quoted"\u0001</p>'.repeat(400) }), 1_000);
});

test('Indian scripts and emoji are counted in UTF-8 bytes and never cut in half', () => {
  const marker = checkCut(JSON.stringify({ note: 'नमस्ते, आपका अपॉइंटमेंट बुक हो गया 👍 '.repeat(200) }), 512);
  const last = marker.partial.charCodeAt(marker.partial.length - 1);
  assert.ok(!(last >= 0xd800 && last <= 0xdbff), 'no half of a surrogate pair at the end');
  assert.doesNotMatch(marker.partial, /\uFFFD/);
});

test('nothing returned reads as plain success; values JSON cannot hold are refused', () => {
  assert.equal(resultJson(undefined), '{"ok":true}');
  assert.equal(resultJson(null), '{"ok":true}');
  assert.equal(resultJson('done'), '"done"');
  assert.throws(() => resultJson(() => 1), /function, which is not JSON/);
  assert.throws(() => resultJson({ amount: 10n }), TypeError);
});

test('a cap too small to say anything useful is refused', () => {
  assert.equal(checkMaxOutputBytes(4_096), 4_096);
  assert.throws(() => checkMaxOutputBytes(64), /at least 128, not 64/);
  assert.throws(() => checkMaxOutputBytes(1.5), RangeError);
});
