// The widget's data channel ("chat", ordered, JSON text messages). The browser sends typed text and hang-up; we send
// transcripts, the call state, the end and errors. This file is the contract with widget.js: change both together.
import { z } from 'zod';

export const CHAT_LABEL = 'chat';
/** Longest typed message, in characters. */
export const MAX_TEXT_CHARS = 1000;
/** A larger message is abuse, not a typo: the peer is closed. */
export const MAX_MESSAGE_BYTES = 4 * 1024;

export type CallState = 'connecting' | 'listening' | 'thinking' | 'speaking' | 'ended';

export type ChatErrorCode = 'bad_json' | 'unknown_type' | 'bad_message' | 'text_too_long' | 'message_too_large' | 'flood';

export type ServerMessage =
  | { readonly type: 'transcript'; readonly role: 'user' | 'assistant'; readonly text: string }
  | { readonly type: 'state'; readonly state: CallState }
  | { readonly type: 'ended'; readonly reason: string }
  /** The conversation was handed to staff, who follow up (the page says so). */
  | { readonly type: 'handoff' }
  | { readonly type: 'error'; readonly code: ChatErrorCode; readonly message: string };

export type ClientMessage = { readonly type: 'text'; readonly text: string } | { readonly type: 'hangup' };

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1, 'text is empty').max(MAX_TEXT_CHARS, `text is longer than ${MAX_TEXT_CHARS} characters`) }),
  z.object({ type: z.literal('hangup') }),
]);

export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessage }
  /** `fatal`: the peer is closed after the error is sent. */
  | { readonly ok: false; readonly code: ChatErrorCode; readonly message: string; readonly fatal: boolean };

export function parseClientMessage(data: string | Uint8Array): ParsedClientMessage {
  const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  if (bytes > MAX_MESSAGE_BYTES) return { ok: false, code: 'message_too_large', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes`, fatal: true };
  if (typeof data !== 'string') return { ok: false, code: 'bad_json', message: 'messages are JSON text, not binary', fatal: false };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, code: 'bad_json', message: 'the message is not JSON', fatal: false };
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type !== 'text' && type !== 'hangup') {
    return { ok: false, code: 'unknown_type', message: `unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}`, fatal: false };
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const tooLong = issue?.code === 'too_big';
    return { ok: false, code: tooLong ? 'text_too_long' : 'bad_message', message: issue?.message ?? 'invalid message', fatal: false };
  }
  return { ok: true, message: parsed.data };
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
