// The Media Streams codec on its own: every message Twilio documents parses, every kind of bad input comes back as
// a typed error (never a throw), and what we send is the JSON Twilio expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOutboundEncoder, parseTwilioMessage, type TwilioMessage } from './codec.ts';

const SID = 'MZ0123456789abcdef0123456789abcdef';

function ok(text: string): TwilioMessage {
  const result = parseTwilioMessage(text);
  assert.ok(result.ok, `expected ${text} to parse: ${JSON.stringify(!result.ok && result.error)}`);
  return result.message;
}

function fails(text: string) {
  const result = parseTwilioMessage(text);
  assert.ok(!result.ok, `expected ${text} to be refused`);
  return result.error;
}

test('parses every message Twilio sends, as documented', () => {
  assert.deepEqual(ok('{"event":"connected","protocol":"Call","version":"1.0.0"}'), { event: 'connected', protocol: 'Call', version: '1.0.0' });

  const start = ok(JSON.stringify({
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: 'AC1', streamSid: SID, callSid: 'CA1', tracks: ['inbound'],
      customParameters: { conversationId: 'c-1', locale: 'hi' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: SID,
  }));
  assert.equal(start.event, 'start');
  assert.equal(start.event === 'start' && start.start.customParameters?.locale, 'hi');

  const media = ok(`{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"/w=="},"streamSid":"${SID}"}`);
  assert.equal(media.event === 'media' && media.media.payload, '/w==');

  const dtmf = ok(`{"event":"dtmf","streamSid":"${SID}","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"#"}}`);
  assert.equal(dtmf.event === 'dtmf' && dtmf.dtmf.digit, '#');

  const mark = ok(`{"event":"mark","sequenceNumber":"4","streamSid":"${SID}","mark":{"name":"chunk-7"}}`);
  assert.equal(mark.event === 'mark' && mark.mark.name, 'chunk-7');

  const stop = ok(`{"event":"stop","sequenceNumber":"9","streamSid":"${SID}","stop":{"accountSid":"AC1","callSid":"CA1"}}`);
  assert.equal(stop.event === 'stop' && stop.stop?.callSid, 'CA1');
});

test('fields Twilio may add later do not break parsing', () => {
  const media = ok(`{"event":"media","media":{"payload":"/w==","newField":1},"streamSid":"${SID}","extra":true}`);
  assert.equal(media.event, 'media');
});

test('text that is not JSON is malformed-json', () => {
  assert.equal(fails('{"event":"media",').kind, 'malformed-json');
  assert.equal(fails('').kind, 'malformed-json');
});

test('JSON that is not a message is invalid-message', () => {
  for (const text of ['[]', '"media"', '42', 'null', '{}', '{"event":7}']) {
    assert.equal(fails(text).kind, 'invalid-message', text);
  }
});

test('a known event with the wrong shape is invalid-message naming the event and the field', () => {
  const noPayload = fails(`{"event":"media","streamSid":"${SID}","media":{"track":"inbound"}}`);
  assert.equal(noPayload.kind, 'invalid-message');
  assert.equal(noPayload.kind === 'invalid-message' && noPayload.event, 'media');
  assert.match(noPayload.kind === 'invalid-message' ? noPayload.detail : '', /media\.payload/);

  assert.equal(fails('{"event":"start","start":{"streamSid":"MZ1","accountSid":"AC1"}}').kind, 'invalid-message');
  assert.equal(fails('{"event":"dtmf","dtmf":{"digit":"12"}}').kind, 'invalid-message');
  assert.equal(fails('{"event":"mark","mark":{}}').kind, 'invalid-message');
  assert.equal(fails('{"event":"media","sequenceNumber":3,"media":{"payload":""}}').kind, 'invalid-message', 'numbers travel as strings');
});

test('a start announcing audio other than 8 kHz mu-law is refused rather than decoded as noise', () => {
  const error = fails(JSON.stringify({
    event: 'start',
    start: { accountSid: 'AC1', streamSid: SID, callSid: 'CA1', mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000, channels: 1 } },
  }));
  assert.equal(error.kind, 'invalid-message');
});

test('an event the codec does not know is unknown-event, so the caller can log and carry on', () => {
  const error = fails(`{"event":"transcription","streamSid":"${SID}"}`);
  assert.deepEqual(error, { kind: 'unknown-event', event: 'transcription' });
});

test('outbound media, mark and clear are the JSON Twilio documents', () => {
  const encoder = createOutboundEncoder(SID);
  assert.deepEqual(JSON.parse(encoder.media('AAEC')), { event: 'media', streamSid: SID, media: { payload: 'AAEC' } });
  assert.deepEqual(JSON.parse(encoder.mark('reply-1:3')), { event: 'mark', streamSid: SID, mark: { name: 'reply-1:3' } });
  assert.deepEqual(JSON.parse(encoder.clear()), { event: 'clear', streamSid: SID });
});

test('outbound messages stay valid JSON whatever the stream id and mark name contain', () => {
  const encoder = createOutboundEncoder('MZ"\\\n');
  assert.equal(JSON.parse(encoder.media('/w==')).streamSid, 'MZ"\\\n');
  assert.equal(JSON.parse(encoder.mark('a"b\\c\u2028')).mark.name, 'a"b\\c\u2028');
});

test('what we encode, a Twilio-side parser reads back (mark round trip)', () => {
  const sent = JSON.parse(createOutboundEncoder(SID).mark('m-1')) as { mark: { name: string } };
  const echoed = ok(JSON.stringify({ event: 'mark', sequenceNumber: '8', streamSid: SID, mark: sent.mark }));
  assert.equal(echoed.event === 'mark' && echoed.mark.name, 'm-1');
});
