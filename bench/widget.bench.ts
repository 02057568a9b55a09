// What a browser widget call costs: (1) the media path alone per call (Opus decode of the microphone, Opus encode of
// the answer, RTP packets), in this process; (2) the whole web channel with werift (SRTP, ICE, RTCP, UDP) for N live
// calls echoing audio, with the browsers in a child process so the CPU figures are the gateway's own; (3) the time
// from a page's offer to the first greeting audio, through the gateway with the local engine (median of a few).
// Prints plain lines; run with `node --import tsx bench/widget.bench.ts` (WIDGET_CALLS=20 WIDGET_SECONDS=10).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RtpHeader, RtpPacket } from 'werift';
import { FRAME_SAMPLES } from '../src/core/audio.ts';
import type { ChannelContext, Connection } from '../src/core/channel.ts';
import { sine } from '../src/audio/pcm.ts';
import { OpusFrameEncoder } from '../src/audio/opus.ts';
import { loadConfig } from '../src/config.ts';
import { startGateway } from '../src/gateway.ts';
import { createHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { createWebChannel } from '../channels/web/index.ts';
import { InboundAudio } from '../channels/web/inbound-audio.ts';
import { OutboundAudio } from '../channels/web/outbound-audio.ts';
import { postJson, WebRtcClient } from '../test/fakes/webrtc-client.ts';

const TONE = sine(440, 24_000, 24_000, -12); // one second, looped

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** (1) The per-call media work with no network: 50 packets a second each way per call. */
export function benchWidgetMedia(calls = 100, seconds = 10): void {
  const encoder = new OpusFrameEncoder();
  const microphone = Array.from({ length: 50 }, (_, i) => encoder.encode(TONE.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)));
  let bytes = 0;
  const peers = Array.from({ length: calls }, () => {
    const outbound = new OutboundAudio({
      // werift builds and serialises a packet like this for every frame (then SRTP-encrypts it).
      send: (payload, sequenceNumber, timestamp, marker) => {
        const header = new RtpHeader({ payloadType: 111, sequenceNumber, timestamp, marker, ssrc: 1 });
        bytes += new RtpPacket(header, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)).serialize().length;
      },
      markReached: () => undefined,
      spurtStarted: () => undefined,
      drained: () => undefined,
    });
    const inbound = new InboundAudio((frame) => outbound.push(frame), 111, silentLogger, () => performance.now());
    return { inbound, outbound };
  });
  const frames = seconds * 50;
  const started = process.cpuUsage();
  const wallStart = performance.now();
  for (let f = 0; f < frames; f++) {
    for (const peer of peers) {
      peer.inbound.receive({ header: { sequenceNumber: f & 0xffff, payloadType: 111 }, payload: microphone[f % 50]! });
      peer.outbound.tick();
    }
  }
  const cpu = cpuSeconds(started);
  const wall = (performance.now() - wallStart) / 1000;
  const callSeconds = calls * seconds;
  console.log(`widget media path per call (Opus decode 48k RTP -> 24 kHz frames, Opus encode complexity 5, RTP packets), ${calls} calls x ${seconds} s in ${wall.toFixed(2)} s`);
  console.log(`  ${((cpu / callSeconds) * 1e3).toFixed(2)} ms CPU per call-second: ~${Math.floor(callSeconds / cpu)} calls per core (media only; ${(bytes / callSeconds / 1000).toFixed(1)} kB/s of RTP out per call)`);
}

/** (2) N live calls through the web channel over werift, echoing each browser's audio back to it. */
export async function benchWidgetCalls(calls = 20, seconds = 10): Promise<void> {
  const server = createHttpServer({ log: silentLogger });
  const live: Connection[] = [];
  const context: ChannelContext = {
    http: server.http,
    store: new MemoryStore(),
    log: silentLogger,
    prepareConversation: async (request) => ({ conversationId: `bench-${Math.random().toString(36).slice(2)}`, locale: request.locale ?? 'en' }),
    translate: (_locale, key) => key,
    accept(connection) {
      live.push(connection);
      let frames = 0;
      connection.listen((event) => {
        if (event.type !== 'audio') return;
        connection.send({ type: 'audio', frame: event.frame });
        if (++frames % 5 === 0) connection.send({ type: 'mark', name: String(frames) });
      });
    },
    countFrames: () => undefined,
  };
  const channel = createWebChannel({ allowedOrigins: [], iceServers: [], offersPerMinute: 10_000, defaultLocale: 'en', locales: ['en'] });
  await channel.start(context);
  const port = await server.listen(0, '127.0.0.1');
  const loader = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'load', `http://127.0.0.1:${port}`, String(calls), String(seconds + 30)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: loader.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, number>;
  await next(); // every browser connected and talking
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const started = process.cpuUsage();
  const wallStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = cpuSeconds(started);
  const wall = (performance.now() - wallStart) / 1000;
  loader.stdin.write('stop\n');
  const result = await next();
  for (const connection of live) connection.close('bench over');
  await channel.stop();
  await new Promise((resolve) => setTimeout(resolve, 700)); // the calls' close timers
  await server.close();
  const callSeconds = live.length * wall;
  console.log(`widget calls through the web channel (werift: ICE, DTLS-SRTP, RTCP, data channel), ${live.length} live calls echoing for ${wall.toFixed(1)} s`);
  console.log(`  ${((cpu / callSeconds) * 1e3).toFixed(2)} ms CPU per call-second (${((cpu / wall) * 100).toFixed(0)}% of one core): ~${Math.floor(callSeconds / cpu)} calls per core`);
  console.log(`  audio echoed back to the browsers: ${(((result.receivedMs ?? 0) / Math.max(1, result.sentMs ?? 1)) * 100).toFixed(1)}% of what they sent`);
}

/** (3) Offer to first greeting audio, through the gateway with the local engine. */
export async function benchWidgetGreeting(samples = 5): Promise<void> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', LOCALES: 'en-IN', DEFAULT_LOCALE: 'en-IN' });
  const web = createWebChannel({ allowedOrigins: [], iceServers: [], offersPerMinute: 10_000, defaultLocale: 'en-IN', locales: ['en-IN'] });
  const gateway = await startGateway(config, { channels: [web], log: silentLogger, store: new MemoryStore() });
  const origin = gateway.url;
  const times: number[] = [];
  const answers: number[] = [];
  for (let i = 0; i < samples + 1; i++) {
    const client = new WebRtcClient();
    const session = await postJson(`${origin}/widget/session`, {}, { origin });
    const sdp = await client.createOffer();
    const offered = performance.now();
    const answer = await postJson(`${origin}/widget/offer`, { token: session.body.token, sdp }, { origin });
    const answeredMs = performance.now() - offered;
    await client.applyAnswer(answer.body.sdp);
    await client.waitFor(() => client.rtp.length > 0, 'the first greeting packet', 10_000);
    if (i > 0) {
      // The first call warms the speech synthesiser and JIT: counted separately.
      times.push(performance.now() - offered);
      answers.push(answeredMs);
    } else console.log(`widget time to first greeting audio (local engine): first call after start ${(performance.now() - offered).toFixed(0)} ms`);
    await client.waitFor(() => client.channelState === 'open', 'the chat channel');
    client.hangUp();
    await client.waitForClosed();
    await client.close();
  }
  await gateway.shutdown(1000);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`  offer -> first audio packet at the browser: median ${median(times).toFixed(0)} ms over ${times.length} calls (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}); of which offer -> answer ${median(answers).toFixed(0)} ms`);
}

/** The browsers of (2), in their own process: connect, stream a tone in real time, report what came back. */
async function runLoad(baseUrl: string, calls: number, seconds: number): Promise<void> {
  const clients: WebRtcClient[] = [];
  for (let i = 0; i < calls; i++) {
    const client = new WebRtcClient();
    await client.connect(baseUrl, { timeoutMs: 10_000 });
    clients.push(client);
  }
  const speech = new Int16Array(24_000 * seconds);
  for (let at = 0; at < speech.length; at += TONE.length) speech.set(TONE.subarray(0, Math.min(TONE.length, speech.length - at)), at);
  const started = performance.now();
  const streams = clients.map((client) => client.streamAudio(speech));
  console.log(JSON.stringify({ ready: clients.length }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== 'stop') continue;
    const sentMs = (performance.now() - started) * clients.length;
    const receivedMs = clients.reduce((sum, client) => sum + client.receivedMs, 0);
    await Promise.all(clients.map((client) => client.close()));
    await Promise.allSettled(streams);
    console.log(JSON.stringify({ receivedMs, sentMs }));
    process.exit(0);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'load') {
    await runLoad(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  } else {
    benchWidgetMedia(Number(process.env.WIDGET_MEDIA_CALLS ?? 100), 10);
    console.log('');
    await benchWidgetCalls(Number(process.env.WIDGET_CALLS ?? 20), Number(process.env.WIDGET_SECONDS ?? 10));
    console.log('');
    await benchWidgetGreeting(Number(process.env.WIDGET_GREETINGS ?? 5));
  }
}
