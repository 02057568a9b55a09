// Downloading the audio of a received message. WhatsApp's media servers forget files after a while (404/410); the
// sender's phone can upload them again on request. Baileys' own retry looks for `error.status`, which its Boom
// errors do not carry, so the re-upload and the single retry are done here.
import { createHash } from 'node:crypto';
import { downloadMediaMessage, normalizeMessageContent } from '@whiskeysockets/baileys';
import type { WAMessage } from '@whiskeysockets/baileys';
import type { IncomingMessage } from '../transport.ts';
import { parseRawMessage } from './inbound.ts';
import type { BaileysSocketLike } from './socket.ts';

const EXPIRED = new Set([404, 410]);

export class MediaDownloadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MediaDownloadError';
  }
}

export async function downloadAudio(message: IncomingMessage, socket: BaileysSocketLike | undefined): Promise<Uint8Array> {
  if (message.content.kind !== 'audio') throw new MediaDownloadError(`message ${message.id} holds no audio (it is ${message.content.kind})`);
  let msg: WAMessage;
  try {
    msg = parseRawMessage(message.raw);
  } catch (error) {
    throw new MediaDownloadError(`message ${message.id} cannot be read back from its stored form: ${(error as Error).message}`, undefined, { cause: error });
  }
  const audio = normalizeMessageContent(msg.message)?.audioMessage;
  if (!audio?.mediaKey || !(audio.url || audio.directPath)) throw new MediaDownloadError(`message ${message.id} has no downloadable audio (no media key or address)`);

  let bytes: Buffer;
  try {
    bytes = await fetchMedia(msg);
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined || !EXPIRED.has(status)) throw failure(message.id, error);
    if (!socket) throw new MediaDownloadError(`the audio of message ${message.id} expired (${status}) and WhatsApp is not connected to ask for it again`, status, { cause: error });
    try {
      msg = await socket.updateMediaMessage(msg);
    } catch (reupload) {
      throw new MediaDownloadError(`the audio of message ${message.id} expired (${status}) and the sender's phone did not upload it again: ${(reupload as Error).message}`, statusOf(reupload), { cause: reupload });
    }
    try {
      bytes = await fetchMedia(msg);
    } catch (retry) {
      throw failure(message.id, retry, 'after the sender re-uploaded it');
    }
  }
  const expected = normalizeMessageContent(msg.message)?.audioMessage?.fileSha256;
  if (expected && expected.length > 0 && !createHash('sha256').update(bytes).digest().equals(Buffer.from(expected))) {
    throw new MediaDownloadError(`the audio of message ${message.id} does not match its checksum: the download is damaged`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fetchMedia(msg: WAMessage): Promise<Buffer> {
  return downloadMediaMessage(msg, 'buffer', {});
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode ?? (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function failure(id: string, error: unknown, when = ''): MediaDownloadError {
  const status = statusOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new MediaDownloadError(`the audio of message ${id} could not be downloaded${when ? ` ${when}` : ''}${status ? ` (${status})` : ''}: ${reason}`, status, { cause: error });
}
