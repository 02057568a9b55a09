// Waits on a conversation record in a gateway's store, for end-to-end tests: until `done` says it matches.
import type { ConversationRecord } from '../src/conversation/records.ts';
import type { Gateway } from '../src/gateway.ts';
import { pollFor, type PollOptions } from './wait.ts';

export async function waitForRecord(
  gateway: Gateway,
  id: string,
  done: (record: ConversationRecord | null) => boolean,
  options: PollOptions = { timeoutMs: 5000, intervalMs: 25 },
): Promise<ConversationRecord> {
  let record: ConversationRecord | null = null;
  return pollFor(
    () => `the record to match; last: ${JSON.stringify(record)}`,
    async () => {
      record = await gateway.conversations.records.get(id);
      return done(record) && record ? record : undefined;
    },
    options,
  );
}
