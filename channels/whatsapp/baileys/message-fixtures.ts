// Received messages in the shape Baileys gives them in `messages.upsert`: a plain WebMessageInfo whose key carries
// the alternate address fields of v7 (remoteJidAlt / participantAlt, addressingMode), with the decrypted content as
// a proto.Message built by Baileys' own protobuf classes.
import { proto } from '@whiskeysockets/baileys';
import type { WAMessage } from '@whiskeysockets/baileys';

export const CUSTOMER_PN = '919876543210@s.whatsapp.net';
export const CUSTOMER_LID = '204863570126981@lid';
export const GROUP = '120363025246125486@g.us';

export interface ReceivedOptions {
  readonly id: string;
  readonly remoteJid?: string;
  readonly remoteJidAlt?: string;
  readonly participant?: string;
  readonly participantAlt?: string;
  readonly fromMe?: boolean;
  readonly message?: proto.IMessage;
  readonly stub?: { readonly type: proto.WebMessageInfo.StubType; readonly parameters: string[] };
  readonly pushName?: string;
  readonly timestamp?: number;
}

export function received(options: ReceivedOptions): WAMessage {
  const remoteJid = options.remoteJid ?? CUSTOMER_PN;
  const lid = remoteJid.endsWith('@lid') || options.participant?.endsWith('@lid');
  return {
    key: {
      remoteJid,
      fromMe: options.fromMe ?? false,
      id: options.id,
      ...(options.remoteJidAlt ? { remoteJidAlt: options.remoteJidAlt } : {}),
      ...(options.participant ? { participant: options.participant } : {}),
      ...(options.participantAlt ? { participantAlt: options.participantAlt } : {}),
      addressingMode: lid ? 'lid' : 'pn',
    },
    messageTimestamp: options.timestamp ?? 1_750_000_000,
    pushName: options.pushName ?? 'Asha',
    broadcast: remoteJid.endsWith('@broadcast'),
    ...(options.message ? { message: proto.Message.fromObject(options.message) } : {}),
    ...(options.stub ? { messageStubType: options.stub.type, messageStubParameters: options.stub.parameters } : {}),
  };
}

export const text = (conversation: string): proto.IMessage => ({ conversation });

export const extendedText = (body: string): proto.IMessage => ({
  extendedTextMessage: { text: body, contextInfo: { stanzaId: 'QUOTED1', participant: CUSTOMER_PN, quotedMessage: { conversation: 'earlier' } } },
});

export const voiceNote = (seconds: number, extra: proto.Message.IAudioMessage = {}): proto.IMessage => ({
  audioMessage: {
    url: 'https://mmg.whatsapp.net/v/t62.7117-24/12345678_1234567890123456_1234567890123456789_n.enc?ccb=11-4',
    mimetype: 'audio/ogg; codecs=opus',
    fileSha256: Buffer.alloc(32, 1),
    fileLength: 4_321,
    seconds,
    ptt: true,
    mediaKey: Buffer.alloc(32, 2),
    fileEncSha256: Buffer.alloc(32, 3),
    directPath: '/v/t62.7117-24/12345678_1234567890123456_1234567890123456789_n.enc?ccb=11-4',
    mediaKeyTimestamp: 1_750_000_000,
    ...extra,
  },
  messageContextInfo: { deviceListMetadataVersion: 2 },
});

/** A disappearing-messages chat wraps every message in ephemeralMessage. */
export const ephemeral = (inner: proto.IMessage): proto.IMessage => ({ ephemeralMessage: { message: inner } });

export const CIPHERTEXT = proto.WebMessageInfo.StubType.CIPHERTEXT;
