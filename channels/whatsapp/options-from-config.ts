// The WhatsApp channel's settings from the gateway's configuration; null when neither transport is enabled.
import type { Config } from '../../src/config.ts';
import type { WhatsAppChannelOptions } from './index.ts';

export function whatsAppOptions(config: Config): WhatsAppChannelOptions | null {
  const cloudEnabled = config.WHATSAPP_CLOUD_TOKEN !== undefined;
  if (!config.WHATSAPP_BAILEYS && !cloudEnabled) return null;
  return {
    chats: {
      idleMs: config.WHATSAPP_IDLE_S * 1000,
      maxNoteSeconds: config.WHATSAPP_MAX_NOTE_S,
      voiceTranscript: config.WHATSAPP_VOICE_TRANSCRIPT,
      defaultLocale: config.DEFAULT_LOCALE,
      locales: config.LOCALES,
      ...(config.WHATSAPP_NUMBER ? { businessNumber: config.WHATSAPP_NUMBER } : {}),
    },
    sendIntervalMs: config.WHATSAPP_SEND_INTERVAL_MS,
    retentionMs: config.RETENTION_TRANSCRIPT_DAYS * 24 * 3600 * 1000,
    ...(config.WHATSAPP_ALERT_WEBHOOK_URL ? { alertWebhookUrl: config.WHATSAPP_ALERT_WEBHOOK_URL } : {}),
    ...(config.HUMAN_HANDOFF_WEBHOOK_URL ? { handoffWebhookUrl: config.HUMAN_HANDOFF_WEBHOOK_URL } : {}),
    ...(config.ADMIN_TOKEN ? { adminToken: config.ADMIN_TOKEN } : {}),
    ...(config.WHATSAPP_BAILEYS
      ? {
          baileys: {
            account: (config.WHATSAPP_NUMBER ?? 'default').replace(/^\+/, ''),
            ...(config.WHATSAPP_NUMBER ? { number: config.WHATSAPP_NUMBER } : {}),
            groups: config.WHATSAPP_GROUPS,
          },
        }
      : {}),
    ...(cloudEnabled
      ? {
          cloud: {
            token: config.WHATSAPP_CLOUD_TOKEN!,
            appSecret: config.WHATSAPP_CLOUD_APP_SECRET!,
            verifyToken: config.WHATSAPP_CLOUD_VERIFY_TOKEN!,
            phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID!,
            apiUrl: config.WHATSAPP_CLOUD_API_URL,
            ...(config.WHATSAPP_CLOUD_TEMPLATE ? { template: { name: config.WHATSAPP_CLOUD_TEMPLATE, language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE } } : {}),
          },
        }
      : {}),
  };
}
