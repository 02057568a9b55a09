// `npm run bench`: prints the gateway's performance figures. Not a test: nothing here passes or fails.
// Options: CALLS=200 CALL_SECONDS=20 (concurrent simulated phone calls and how long each streams).
import { cpus } from 'node:os';
import { benchAnalytics } from './analytics.bench.ts';
import { benchAudio } from './audio.bench.ts';
import { benchCalls } from './calls.bench.ts';
import { benchRedact } from './redact.bench.ts';
import { benchVoiceNote } from './voice-note.bench.ts';
import { benchWidgetCalls, benchWidgetGreeting, benchWidgetMedia } from './widget.bench.ts';

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);
await benchAudio();
console.log('');
await benchRedact();
await benchVoiceNote(); // prints its own leading blank line
console.log('');
benchWidgetMedia();
await benchWidgetCalls();
await benchWidgetGreeting();
console.log('');
await benchAnalytics();
console.log('');
await benchCalls({
  calls: Number(process.env.CALLS ?? 200),
  seconds: Number(process.env.CALL_SECONDS ?? 20),
});
