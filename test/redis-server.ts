// A Redis for tests: the one named by REDIS_URL when set (CI service, shared dev Redis), otherwise a private
// redis-server child on a free local port with persistence off. Tests sharing a Redis must use a random keyPrefix.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 5;

export async function startRedis(): Promise<TestRedis> {
  const external = process.env.REDIS_URL;
  if (external) return { url: external, stop: async () => undefined };
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await spawnRedis(port);
    } catch (error) {
      // Another process can take the port between our probe closing it and redis-server binding it.
      if (error instanceof PortTakenError && attempt < PORT_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** A local port nothing listens on right now (also handy as a Redis that refuses connections). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

class PortTakenError extends Error {}

async function spawnRedis(port: number): Promise<TestRedis> {
  const child = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the tail of its output for error messages; reading it also stops a full pipe from stalling the server.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  // A test process that ends without calling stop() must not leave a redis-server behind.
  process.once('exit', killOnExit);

  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        error.code === 'ENOENT'
          ? new Error('redis-server was not found on PATH. Install it (apt-get install redis-server, brew install redis) or set REDIS_URL to a running Redis.')
          : error,
      );
    });
    // 'close' rather than 'exit': by then all of its output has been read.
    child.once('close', (code, signal) => {
      resolve(
        /address already in use/i.test(output)
          ? new PortTakenError(`port ${port} was taken`)
          : new Error(`redis-server exited early (code ${code}, signal ${signal}): ${output.trim()}`),
      );
    });
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([exited, serverPid(port)]).catch(() => undefined);
    if (outcome instanceof Error) {
      process.removeListener('exit', killOnExit);
      throw outcome;
    }
    if (outcome === child.pid) return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child, killOnExit) };
    if (outcome !== undefined) {
      // Another Redis took the port first and ours is about to fail to bind: stop it and try another port.
      await stopChild(child, killOnExit);
      throw new PortTakenError(`port ${port} was taken by another redis-server`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stopChild(child, killOnExit);
  throw new Error(
    `redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms. Is redis-server installed and working ` +
      `(apt-get install redis-server), or set REDIS_URL to a running Redis? Output: ${output.trim() || '(none)'}`,
  );
}

// PING, then the process id of whoever answers: a bare RESP exchange, so waiting for the server does not depend on
// the client under test, and a Redis that grabbed the port in the meantime is not mistaken for ours.
function serverPid(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(500, () => socket.destroy(new Error('timeout')));
    let reply = '';
    socket.on('connect', () => socket.write('PING\r\nINFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.startsWith('-')) socket.destroy(new Error(reply.trim()));
      const pid = /process_id:(\d+)\r\n/.exec(reply)?.[1];
      if (!reply.startsWith('+PONG') || pid === undefined) return;
      socket.end();
      resolve(Number(pid));
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before answering')));
  });
}

async function stopChild(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(force);
}
