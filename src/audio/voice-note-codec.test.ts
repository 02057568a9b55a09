import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sine } from './pcm.ts';
import { VoiceNoteCodec } from './voice-note-codec.ts';
import { VoiceNoteError } from './voice-note.ts';

const codec = new VoiceNoteCodec();
after(() => codec.close());

test('notes are encoded and decoded in the worker, and come back the same length', async () => {
  const pcm = sine(440, 24_000, 24_000 * 2, -12);
  const note = await codec.encode(pcm);
  assert.equal(note.seconds, 2);
  assert.equal(note.waveform.length, 64);
  const back = await codec.decode(note.ogg, { maxSeconds: 60 });
  assert.equal(back.length, pcm.length);
});

test('a bad note is refused with its code, and the worker keeps working', async () => {
  await assert.rejects(codec.decode(new Uint8Array([1, 2, 3, 4, 5]), { maxSeconds: 60 }), (error) => error instanceof VoiceNoteError && error.code === 'not_ogg');
  await assert.rejects(codec.decode(new Uint8Array(0), { maxSeconds: 60 }), (error) => error instanceof VoiceNoteError && error.code === 'empty');
  const note = await codec.encode(sine(300, 24_000, 4_800, -12));
  assert.equal((await codec.decode(note.ogg, { maxSeconds: 60 })).length, 4_800);
});
