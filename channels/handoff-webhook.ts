// Where chats handed to a person are announced: the business's own system (a help desk, a staff WhatsApp group bot)
// gets a JSON POST with the conversation id (its transcript is in the admin API) and then every later message of
// that customer until staff take over. Best effort with a timeout: a slow help desk never holds up a conversation.
import type { Logger } from '../src/core/channel.ts';
import { describeError } from '../src/errors.ts';

export type HandoffEvent =
  | { readonly event: 'handoff'; readonly channel: string; readonly conversationId: string; readonly reason: string; readonly customer?: string }
  | { readonly event: 'message'; readonly channel: string; readonly conversationId: string; readonly customer?: string; readonly text: string };

export type HandoffWebhook = (event: HandoffEvent) => Promise<boolean>;

export function createHandoffWebhook(url: string, log: Logger, timeoutMs = 5_000): HandoffWebhook {
  return async (event) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...event, at: new Date().toISOString() }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return true;
      log.error({ status: response.status, event: event.event, channel: event.channel }, 'the hand-off webhook answered with an error');
    } catch (error) {
      log.error({ err: describeError(error), event: event.event, channel: event.channel }, 'the hand-off webhook could not be reached');
    }
    return false;
  };
}
