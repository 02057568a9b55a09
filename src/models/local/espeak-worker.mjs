// eSpeak NG in a worker thread. Synthesis is one synchronous wasm call (tens of milliseconds per sentence, several
// hundred on a cold voice), which would stall every other call's 20 ms audio frames on the main thread. Plain
// JavaScript because Node 20 workers do not inherit the tsx loader; keep it this small.
//
// Protocol: after loading it posts { type: 'ready', sampleRate, voices }. Each request { id, voice, text, rate }
// gets { id, pcm } (Int16Array at sampleRate, its buffer transferred) or { id, error }.
import { parentPort } from 'node:worker_threads';
import createEspeak from '@echogarden/espeak-ng-emscripten';

const port = parentPort;
if (port === null) throw new Error('espeak-worker.mjs must run as a worker thread');

const espeak = await createEspeak();
const engine = new espeak.eSpeakNGWorker();
const voices = engine.list_voices().map((voice) => voice.identifier);
let currentVoice = '';
let currentRate = -1;

port.postMessage({ type: 'ready', sampleRate: engine.get_samplerate(), voices });

port.on('message', (request) => {
  const { id, voice, text, rate } = request;
  try {
    if (voice !== currentVoice) {
      const code = engine.set_voice(voice);
      if (code !== 0) throw new Error(`eSpeak has no voice "${voice}" (code ${code})`);
      currentVoice = voice;
    }
    if (rate !== currentRate) {
      engine.set_rate(rate);
      currentRate = rate;
    }
    const chunks = [];
    let total = 0;
    // The callback receives copies of the wasm buffer; returning 0 asks eSpeak to continue.
    engine.synthesize(text, (samples) => {
      chunks.push(samples);
      total += samples.length;
      return 0;
    });
    const pcm = new Int16Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      pcm.set(chunk, offset);
      offset += chunk.length;
    }
    port.postMessage({ id, pcm }, [pcm.buffer]);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
