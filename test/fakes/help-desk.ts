// A business's help desk as the hand-off webhook reaches it: records every JSON event POSTed to it, on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHelpDesk {
  readonly url: string;
  readonly events: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startHelpDesk(): Promise<FakeHelpDesk> {
  const events: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      events.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/handoff`,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
