// Adapts a ws WebSocket to the WireSocket contract, so channels stay independent of the library.
import type { WebSocket } from 'ws';
import type { Logger, WireSocket } from '../core/channel.ts';

export function wrapWebSocket(ws: WebSocket, log: Logger, observe?: (ms: number) => void): WireSocket {
  // ws closes the socket itself on a protocol violation (such as an oversized message) and reports 1006 locally;
  // keep the real cause so the channel can log why its caller was cut off.
  let violation: { code: number; reason: string } | undefined;
  ws.on('error', (error: Error & { code?: string }) => {
    violation = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? { code: 1009, reason: 'message too big' } : { code: 1002, reason: error.message };
    log.debug({ err: error }, 'websocket error');
  });
  return {
    send(data) {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    },
    onMessage(handler) {
      ws.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (!observe) return handler(bytes, isBinary);
        const started = performance.now();
        handler(bytes, isBinary);
        observe(performance.now() - started);
      });
    },
    onClose(handler) {
      ws.on('close', (code, reason) => (violation ? handler(violation.code, violation.reason) : handler(code, reason.toString('utf8'))));
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}
