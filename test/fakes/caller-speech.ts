// A caller saying a sentence, as a phone network carries it: eSpeak speech (24 kHz) resampled to 8 kHz PCM16, loud
// and long enough for barge-in when streamed over a call.
import { createResampler, initAudio } from '../../src/audio/resampler.ts';
import { EspeakTts, voiceFor } from '../../src/models/local/espeak-tts.ts';

/** `sentence` spoken in English, as 8 kHz PCM16. */
export async function callerSpeech(sentence: string): Promise<Int16Array> {
  await initAudio();
  const tts = await EspeakTts.create();
  try {
    const speech24k = await tts.synthesize(sentence, voiceFor('en'));
    const down = createResampler(24_000, 8_000);
    const pcm = Int16Array.from(down.process(speech24k));
    down.dispose();
    return pcm;
  } finally {
    await tts.close();
  }
}
