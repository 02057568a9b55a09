// Conversation history from the store as `conversation.item.create` events, so a new session (reconnect,
// rotation) continues where the last one stopped.
//
// Tool turns become system notes rather than function_call / function_call_output pairs: the store keeps a tool's
// name and result but not the arguments the model sent, and a fabricated call would teach the model calls it never
// made. A note keeps what matters afterwards (a booking reference, a slot that was taken) without that risk.
import type { HistoryItem } from '../../core/model.ts';
import { messageItem } from './client-events.ts';

/** A long call's history is capped: the oldest turns matter least, and each item costs tokens on every answer. */
export const MAX_RESTORED_ITEMS = 200;

export function historyEvents(history: readonly HistoryItem[]): string[] {
  const events: string[] = [];
  for (const item of history.slice(-MAX_RESTORED_ITEMS)) {
    const text = item.text.trim();
    if (text === '') continue;
    if (item.role === 'tool') {
      const name = item.toolName ?? 'a tool';
      events.push(messageItem('system', `Earlier in this conversation the tool ${name} returned: ${text}`));
    } else {
      events.push(messageItem(item.role, text));
    }
  }
  return events;
}
