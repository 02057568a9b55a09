// N concurrent simulated phone calls streaming real-time audio through the gateway into a model that echoes:
// CPU seconds per call-minute, added latency per frame each way (p50, p99), and heap per call.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { startGateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { createEchoModel } from '../test/fakes/echo-model.ts';

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

export async function benchCalls(options: { calls: number; seconds: number }): Promise<void> {
  const { calls, seconds } = options;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), model: createEchoModel() });
  const heapBefore = heapUsed();

  const loader = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./call-load.ts', import.meta.url)), gateway.url, String(calls)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: loader.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, number>;

  await next(); // every call placed and streaming
  await new Promise((resolve) => setTimeout(resolve, 2000)); // settle
  const live = gateway.conversations.liveCount('twilio');
  gateway.metrics.latencySamples.in.clear();
  gateway.metrics.latencySamples.out.clear();
  const heapDuring = heapUsed();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpuStart);
  const wallS = (performance.now() - wallStart) / 1000;
  const { in: inbound, out: outbound } = gateway.metrics.latencySamples;

  loader.stdin.write('stop\n');
  const result = await next();
  await gateway.shutdown(1000);

  const cpuS = (cpu.user + cpu.system) / 1e6;
  const callMinutes = (live * wallS) / 60;
  const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`concurrent calls through the gateway (Twilio channel, echo model), ${live} live calls for ${wallS.toFixed(1)} s`);
  console.log(`  CPU: ${(cpuS / callMinutes).toFixed(3)} CPU s per call-minute (${((cpuS / wallS) * 100).toFixed(0)}% of one core for ${live} calls; ~${Math.floor(live / (cpuS / wallS))} calls per core)`);
  console.log(`  added latency per frame, in  (wire -> model): p50 ${fmt(inbound.percentile(50))}, p99 ${fmt(inbound.percentile(99))} over ${inbound.count} frames`);
  console.log(`  added latency per frame, out (model -> wire): p50 ${fmt(outbound.percentile(50))}, p99 ${fmt(outbound.percentile(99))} over ${outbound.count} frames`);
  console.log(`  heap per call: ${((heapDuring - heapBefore) / Math.max(1, live) / 1024).toFixed(0)} KiB${gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  console.log(`  audio echoed back to the callers: ${((result.receivedMs ?? 0) / Math.max(1, result.sentMs ?? 1) * 100).toFixed(1)}% of what they sent`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchCalls({ calls: Number(process.env.CALLS ?? 200), seconds: Number(process.env.CALL_SECONDS ?? 20) });
}
