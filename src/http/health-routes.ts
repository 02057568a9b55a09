// Liveness, readiness and Prometheus metrics.
import type { ChannelHttp, Logger } from '../core/channel.ts';
import type { Store } from '../core/store.ts';
import type { GatewayMetrics } from '../analytics/metrics.ts';
import { describeError } from '../errors.ts';

export function registerHealthRoutes(http: ChannelHttp, deps: { store: Store; metrics: GatewayMetrics; draining: () => boolean; log: Logger }): void {
  const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  http.route('GET', '/healthz', () => json(200, { status: 'ok' }));

  http.route('GET', '/readyz', async () => {
    if (deps.draining()) return json(503, { status: 'draining' });
    try {
      await deps.store.ping();
      return json(200, { status: 'ready', store: deps.store.kind });
    } catch (error) {
      // The reason can name internal hosts: it goes to the log, not to whoever probes.
      deps.log.warn({ reason: describeError(error) }, 'readiness: store unreachable');
      return json(503, { status: 'unavailable', store: deps.store.kind });
    }
  });

  http.route('GET', '/metrics', async () => ({
    status: 200,
    headers: { 'content-type': deps.metrics.registry.contentType },
    body: await deps.metrics.registry.metrics(),
  }));
}
