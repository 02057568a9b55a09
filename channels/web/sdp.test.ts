import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOffer, dropUnreachableCandidates, isLoopback } from './sdp.ts';

const AUDIO_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdef012345',
  'a=fingerprint:sha-256 00:11',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

describe('offer checks', () => {
  it('accepts a browser-shaped audio offer', () => {
    assert.deepEqual(checkOffer(AUDIO_OFFER), { ok: true });
  });

  it('says "not an SDP offer" for garbage', () => {
    for (const garbage of ['', 'hello', '<html></html>', 'v=0\r\nm=audio 9 RTP/AVP 0\r\n', 'x'.repeat(40_000)]) {
      const result = checkOffer(garbage);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, /^not an SDP offer/);
    }
  });

  it('refuses offers with more than one audio line, more than one data channel, or video: each costs a transport', () => {
    const audio = 'm=audio 9 UDP/TLS/RTP/SAVPF 111';
    const data = 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel';
    const withData = AUDIO_OFFER.replace(audio, `${audio}\r\n${data}`);
    assert.deepEqual(checkOffer(withData), { ok: true });
    const refused = { ok: false, message: 'the offer must carry one audio m-line and at most one data channel' };
    assert.deepEqual(checkOffer(AUDIO_OFFER.replace(audio, Array(300).fill(audio).join('\r\n'))), refused);
    assert.deepEqual(checkOffer(withData.replace(data, `${data}\r\n${data}`)), refused);
    assert.deepEqual(checkOffer(AUDIO_OFFER.replace(audio, `${audio}\r\nm=video 9 UDP/TLS/RTP/SAVPF 96`)), refused);
  });

  it('refuses an offer with only a data channel', () => {
    const dataOnly = AUDIO_OFFER.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel');
    assert.deepEqual(checkOffer(dataOnly), { ok: false, message: 'the offer has no audio m-line' });
  });
});

describe('answer candidates', () => {
  it('drops documentation addresses and keeps every other line', () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 2116026367 127.0.0.1 37790 typ host generation 0',
      'a=candidate:2 1 udp 2116026367 192.0.2.2 45644 typ host generation 0',
      'a=candidate:3 1 udp 2116026367 fd00::2 40499 typ host generation 0',
      'a=candidate:4 1 udp 1677729535 203.0.113.9 50000 typ srflx raddr 0.0.0.0 rport 0',
      'a=candidate:5 1 udp 1677729535 192.0.20.1 50000 typ host',
      'a=end-of-candidates',
      '',
    ].join('\r\n');
    const kept = dropUnreachableCandidates(sdp).split('\r\n');
    assert.deepEqual(kept.filter((line) => line.startsWith('a=candidate')).map((line) => line.split(' ')[4]), ['127.0.0.1', 'fd00::2', '192.0.20.1']);
    assert.equal(kept.at(-2), 'a=end-of-candidates');
  });

  it('knows a client on this machine', () => {
    assert.deepEqual(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '::ffff:192.0.2.1'].map(isLoopback), [true, true, true, false, false]);
  });
});
