// Load generator for calls.bench.ts, run in its own process so the gateway's CPU figures are its own: places N
// calls through the fake Twilio client and streams real-time mu-law into each until told to stop on stdin.
import { createInterface } from 'node:readline';
import { placeCall, type FakeTwilioCall } from '../test/fakes/twilio-client.ts';
import { encodeMulaw } from '../src/audio/mulaw.ts';
import { sine } from '../src/audio/pcm.ts';

const [baseUrl = '', callsArg = '200'] = process.argv.slice(2);
const callCount = Number(callsArg);
// One second of a 440 Hz tone at 8 kHz, sent in 20 ms chunks round and round.
const tone = sine(440, 8000, 8000, -12);
const mulaw = new Uint8Array(tone.length);
encodeMulaw(tone, mulaw);

const calls: FakeTwilioCall[] = [];
for (let i = 0; i < callCount; i++) {
  calls.push(await placeCall({ baseUrl }));
  if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 50));
}

let chunk = 0;
const started = performance.now();
let ticks = 0;
const timer = setInterval(() => {
  // Catch up on missed ticks so each call sends 50 chunks a second on average.
  const due = Math.floor((performance.now() - started) / 20);
  for (; ticks < due; ticks++) {
    const offset = (chunk++ % 50) * 160;
    for (const call of calls) if (call.isOpen) call.sendMulaw(mulaw.subarray(offset, offset + 160));
  }
}, 20);
console.log(JSON.stringify({ ready: calls.length }));

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  clearInterval(timer);
  const receivedMs = calls.reduce((sum, call) => sum + call.receivedMs, 0);
  await Promise.all(calls.map((call) => call.hangUp().catch(() => undefined)));
  console.log(JSON.stringify({ done: true, receivedMs, sentMs: ticks * 20 * calls.length }));
  process.exit(0);
}
