// Things an operator must act on (a number logged out, forbidden or banned, a closed service window): always logged
// at error level, and posted as JSON to WHATSAPP_ALERT_WEBHOOK_URL when one is configured (best effort: an alert
// that cannot be delivered is logged, never thrown).
import type { Logger } from '../../src/core/channel.ts';
import { describeError } from '../../src/errors.ts';

export type Alert = (kind: string, detail: Record<string, unknown>) => void;

export function createAlerts(options: { readonly webhookUrl?: string; readonly log: Logger; readonly timeoutMs?: number }): Alert {
  const { webhookUrl, log } = options;
  return (kind, detail) => {
    log.error({ alert: kind, ...detail }, `whatsapp alert: ${kind}`);
    if (!webhookUrl) return;
    fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'whatsapp', kind, detail, at: new Date().toISOString() }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    }).then(
      (response) => {
        if (!response.ok) log.warn({ alert: kind, status: response.status }, 'whatsapp alert webhook answered with an error');
      },
      (error: unknown) => log.warn({ alert: kind, err: describeError(error) }, 'whatsapp alert webhook unreachable'),
    );
  };
}
