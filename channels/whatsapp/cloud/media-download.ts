// Inbound media: GET /{media-id} gives a short-lived URL with the file's type, size and SHA-256; that URL is then
// fetched with the same bearer token. The size is capped before and during the download, and the hash is checked,
// because the bytes go on to a decoder.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SendError } from '../transport.ts';
import type { GraphClient } from './graph-client.ts';

const mediaInfoSchema = z.looseObject({
  url: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  // Meta's examples show both a number and a string of digits.
  file_size: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

const MEDIA_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export interface DownloadedMedia {
  readonly bytes: Uint8Array;
  readonly mimeType?: string;
}

export async function downloadMedia(graph: GraphClient, mediaId: string, maxBytes: number): Promise<DownloadedMedia> {
  if (!MEDIA_ID_PATTERN.test(mediaId)) throw new SendError(`"${mediaId.slice(0, 40)}" is not a WhatsApp media id`, 'rejected');
  const what = `media ${mediaId}`;
  const info = mediaInfoSchema.safeParse(await graph.getJson([mediaId], `${what} lookup`));
  if (!info.success) throw new SendError(`${what} lookup: Meta's answer has no media URL`, 'retryable');
  const { url, sha256, file_size: size } = info.data;
  if (size !== undefined && size > maxBytes) {
    throw new SendError(`${what} is ${size} bytes, over the ${maxBytes}-byte limit`, 'rejected');
  }
  const bytes = await graph.getBytes(url, maxBytes, `${what} download`);
  if (sha256 !== undefined && sha256 !== '' && !hashMatches(bytes, sha256)) {
    throw new SendError(`${what}: the downloaded bytes do not match the SHA-256 Meta gave (corrupted or replaced in transit)`, 'retryable');
  }
  return { bytes, mimeType: info.data.mime_type };
}

/** Meta writes the media hash in hex; webhook payloads have carried it in base64. Either is accepted. */
function hashMatches(bytes: Uint8Array, expected: string): boolean {
  const digest = createHash('sha256').update(bytes).digest();
  const trimmed = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return digest.toString('hex') === trimmed.toLowerCase();
  return digest.toString('base64').replace(/=+$/, '') === trimmed.replace(/=+$/, '');
}
