// Every setting comes from the environment through this one schema. A wrong value stops start-up with a message
// naming each variable and what it expects.
import { z } from 'zod';

const LOCALE = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `a whole number from ${min} to ${max}`).max(max, `a whole number from ${min} to ${max}`))
    .optional()
    .transform((value) => value ?? fallback);

const url = (protocols: readonly string[], what: string) =>
  optionalText.pipe(
    z
      .string()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, what)
      .optional(),
  );

const localeMap = optionalText.pipe(
  z
    .string()
    .transform((value, ctx) => {
      const map: Record<string, string> = {};
      for (const pair of value.split(',')) {
        const [number, locale] = pair.split('=').map((part) => part.trim());
        if (!number || !locale || !LOCALE.test(locale)) {
          ctx.addIssue({ code: 'custom', message: 'comma-separated NUMBER=LOCALE pairs, such as +911234567890=hi,+551140000000=pt-BR' });
          return z.NEVER;
        }
        map[number] = locale;
      }
      return map;
    })
    .optional(),
);

const schema = z.object({
  PORT: integer(0, 65535, 8080), // 0 picks a free port (tests)
  HOST: optionalText.transform((value) => value ?? '0.0.0.0'),
  PUBLIC_URL: url(['https:', 'http:'], 'an http(s) origin such as https://voice.example.com'),
  /** Proxies in front of the gateway that append to X-Forwarded-For (a TLS terminator is 1): client addresses come from it. */
  TRUSTED_PROXIES: integer(0, 10, 0),
  MODEL_PROVIDER: z.enum(['auto', 'local', 'openai', 'gemini'], 'one of auto, local, openai, gemini').default('auto'),
  OPENAI_API_KEY: optionalText,
  OPENAI_REALTIME_URL: url(['wss:', 'ws:'], 'a wss:// URL such as wss://api.openai.com/v1/realtime (Azure OpenAI and proxies have their own)').transform((value) => value ?? 'wss://api.openai.com/v1/realtime'),
  OPENAI_REALTIME_MODEL: optionalText.transform((value) => value ?? 'gpt-realtime'),
  OPENAI_VOICE: optionalText.transform((value) => value ?? 'marin'),
  OPENAI_TURN_DETECTION: z.enum(['server_vad', 'semantic_vad'], 'server_vad or semantic_vad').default('server_vad'),
  GEMINI_API_KEY: optionalText,
  GEMINI_LIVE_URL: url(['wss:', 'ws:'], 'a wss:// URL of the Live API').transform(
    (value) => value ?? 'wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
  ),
  GEMINI_MODEL: optionalText.transform((value) => value ?? 'models/gemini-2.5-flash-native-audio-preview-12-2025'),
  GEMINI_VOICE: optionalText,
  /** Rotate a cloud model session at this age, after the current response (OpenAI ends sessions at 60 minutes). */
  MODEL_SESSION_MAX_S: integer(30, 24 * 3600, 55 * 60),
  REDIS_URL: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379'),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_ACCOUNT_SID: optionalText.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an account SID: AC followed by 32 hex digits').optional()),
  TWILIO_LOCALE_BY_NUMBER: localeMap,
  HUMAN_TRANSFER_NUMBER: optionalText.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form, such as +919876543210').optional()),
  /** Runs the unofficial WhatsApp Web client (Baileys). Off by default, so that `npm start` stays offline. */
  WHATSAPP_BAILEYS: z.enum(['true', 'false'], 'true or false').default('false').transform((value) => value === 'true'),
  /** With WHATSAPP_BAILEYS: pair by code with this number (digits with country code) instead of a QR. */
  WHATSAPP_NUMBER: optionalText.pipe(z.string().regex(/^\+?[1-9]\d{6,14}$/, 'a phone number with its country code, such as +919876543210').optional()),
  /** Answer in group chats too (Baileys). */
  WHATSAPP_GROUPS: z.enum(['true', 'false'], 'true or false').default('false').transform((value) => value === 'true'),
  /** A voice-note reply is followed by its text. */
  WHATSAPP_VOICE_TRANSCRIPT: z.enum(['true', 'false'], 'true or false').default('true').transform((value) => value === 'true'),
  /** The model session of a chat closes after this many quiet seconds; the next message opens a new one. */
  WHATSAPP_IDLE_S: integer(10, 24 * 3600, 300),
  /** Longest voice note accepted, in seconds. */
  WHATSAPP_MAX_NOTE_S: integer(5, 3600, 300),
  /** Shortest gap between two messages sent to one chat, in milliseconds. */
  WHATSAPP_SEND_INTERVAL_MS: integer(0, 60_000, 1_000),
  /** Called with JSON when a chat is handed to a person or an account needs attention (403, 463, logged out). */
  WHATSAPP_ALERT_WEBHOOK_URL: url(['https:', 'http:'], 'an http(s) URL'),
  WHATSAPP_CLOUD_TOKEN: optionalText,
  WHATSAPP_CLOUD_APP_SECRET: optionalText,
  WHATSAPP_CLOUD_VERIFY_TOKEN: optionalText,
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: optionalText.pipe(z.string().regex(/^\d+$/, 'the numeric phone number id from the Meta app dashboard').optional()),
  WHATSAPP_CLOUD_API_URL: url(['https:', 'http:'], 'an http(s) base URL such as https://graph.facebook.com/v23.0').transform((value) => value ?? 'https://graph.facebook.com/v23.0'),
  /** An approved template sent when a reply falls outside the 24-hour customer service window. */
  WHATSAPP_CLOUD_TEMPLATE: optionalText,
  /** The language the template was approved in, such as en_US, hi or pt_BR. */
  WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: optionalText.transform((value) => value ?? 'en_US'),
  /** Signs widget session tokens; a random one per process when unset (tokens then die with a restart). */
  WIDGET_SECRET: optionalText.pipe(z.string().min(32, 'at least 32 characters').optional()),
  /** Pages allowed to embed the widget, comma-separated origins; the gateway's own origin is always allowed. */
  WIDGET_ALLOWED_ORIGINS: optionalText.transform((value) => (value ?? '').split(',').map((part) => part.trim().replace(/\/$/, '')).filter(Boolean)),
  /** STUN and TURN servers for the widget, comma-separated URLs such as stun:stun.example.com:3478,turn:turn.example.com:3478. */
  WIDGET_ICE_URLS: optionalText.transform((value) => (value ?? '').split(',').map((part) => part.trim()).filter(Boolean)),
  WIDGET_TURN_USERNAME: optionalText,
  WIDGET_TURN_CREDENTIAL: optionalText,
  /** The TURN server's shared secret (coturn static-auth-secret): each widget session gets its own expiring credential. */
  WIDGET_TURN_SECRET: optionalText,
  /** Offers accepted per client address per minute. */
  WIDGET_OFFERS_PER_MINUTE: integer(1, 10_000, 10),
  /** Tool calls a model may make per customer turn and per conversation; past the latter the local engine takes over. */
  TOOL_CALLS_PER_TURN: integer(1, 100, 6),
  TOOL_CALLS_PER_CONVERSATION: integer(1, 10_000, 40),
  /** On a call, a tool still running after this many milliseconds gets a spoken "one moment, I am checking"; 0 = never. */
  TOOL_FILLER_MS: integer(0, 60_000, 1_500),
  /** A JSON file of business tools that call HTTP APIs (src/agent/http-tools/README.md); see tools.example.json. */
  TOOLS_FILE: optionalText,
  /** Serves the demo booking API under /demo/booking/ (writes without authentication: for trying things out). */
  DEMO_BOOKING_API: z.enum(['true', 'false'], 'true or false').default('false').transform((value) => value === 'true'),
  /** Chats (WhatsApp, the widget) handed to a person are announced here as JSON, with the conversation id. */
  HUMAN_HANDOFF_WEBHOOK_URL: url(['https:', 'http:'], 'an http(s) URL of your help desk or staff bot'),
  ADMIN_TOKEN: optionalText.pipe(z.string().min(16, 'at least 16 characters').optional()),
  /** Key of the customer pseudonyms in the audit trail and subject index; changing it orphans past conversations. */
  AUDIT_SECRET: optionalText.pipe(z.string().min(32, 'at least 32 characters').optional()),
  DEFAULT_LOCALE: optionalText.pipe(z.string().regex(LOCALE, 'a language tag such as en, hi, en-IN, pt-BR, es-419').optional()).transform((value) => value ?? 'en'),
  /** The languages the business serves; detection and the phone language menu choose among these. */
  LOCALES: optionalText.pipe(
    z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(LOCALE, 'comma-separated language tags such as hi,ta,en-IN,pt-BR')).min(1))
      .optional(),
  ).transform((value) => value ?? ['hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN', 'pt-BR', 'es-419']),
  /** Calls start with a language choice, each option spoken in its own language (when LOCALES has several). */
  PHONE_LANGUAGE_MENU: z.enum(['true', 'false'], 'true or false').default('true').transform((value) => value === 'true'),
  /** The business records calls: a recording notice with an opt-out follows the disclosure. */
  RECORDING_ENABLED: z.enum(['true', 'false'], 'true or false').default('false').transform((value) => value === 'true'),
  /** Version of the privacy notice the consent records refer to. */
  CONSENT_NOTICE_VERSION: optionalText.transform((value) => value ?? '2026-11'),
  /** Redact personal identifiers from text before it goes to a cloud model. */
  REDACT_MODEL_INPUT: z.enum(['true', 'false'], 'true or false').default('false').transform((value) => value === 'true'),
  /**
   * Post-conversation analytics: with a key, summary, sentiment and (when the router set none) intent come from a
   * small text model behind an OpenAI-compatible chat completions endpoint; without one, from keyword lexicons.
   */
  ANALYTICS_MODEL_URL: url(['https:', 'http:'], 'an http(s) URL of a chat completions endpoint').transform((value) => value ?? 'https://api.openai.com/v1/chat/completions'),
  ANALYTICS_MODEL: optionalText.transform((value) => value ?? 'gpt-4o-mini'),
  /** Defaults to OPENAI_API_KEY; set to `none` to keep transcripts away from any text model. */
  ANALYTICS_API_KEY: optionalText,
  /** Analytics jobs this instance processes at once (0: this instance only enqueues, others process). */
  ANALYTICS_WORKERS: integer(0, 16, 1),
  RETENTION_TRANSCRIPT_DAYS: integer(1, 3650, 90),
  RETENTION_ANALYTICS_DAYS: integer(1, 3650, 365),
  /** DPDP Rules ask for processing logs of at least a year. */
  RETENTION_AUDIT_DAYS: integer(365, 3650, 400),
  BUSINESS_NAME: optionalText.transform((value) => value ?? 'Asha Clinic'),
  MAX_CONVERSATION_S: integer(10, 24 * 3600, 3600),
  DRAIN_TIMEOUT_MS: integer(0, 600_000, 30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'one of fatal, error, warn, info, debug, trace, silent').default('info'),
});

export type Environment = z.input<typeof schema>;
export type ModelProvider = 'local' | 'openai' | 'gemini';

export interface Config extends Omit<z.output<typeof schema>, 'MODEL_PROVIDER'> {
  /** The provider actually used: `auto` resolved from the keys that are set. */
  readonly MODEL_PROVIDER: ModelProvider;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means unset, as in most deployment tools.
  const known = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key]?.trim() === '' ? undefined : env[key]]));
  const parsed = schema.safeParse(known);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const got = env[name] === undefined ? 'unset' : `"${shown(name, env[name])}"`;
        return `${name}: expected ${issue.message.replace(/^Invalid input: /, '')}, got ${got}`;
      });
  // Checked on the raw values too, so one run lists these along with any malformed variable.
  const provider = known.MODEL_PROVIDER?.trim();
  if (provider === 'openai' && !known.OPENAI_API_KEY?.trim()) problems.push('OPENAI_API_KEY: required when MODEL_PROVIDER=openai');
  if (provider === 'gemini' && !known.GEMINI_API_KEY?.trim()) problems.push('GEMINI_API_KEY: required when MODEL_PROVIDER=gemini');
  const cloud = ['WHATSAPP_CLOUD_TOKEN', 'WHATSAPP_CLOUD_APP_SECRET', 'WHATSAPP_CLOUD_VERIFY_TOKEN', 'WHATSAPP_CLOUD_PHONE_NUMBER_ID'] as const;
  if (cloud.some((name) => known[name]?.trim())) {
    for (const name of cloud) if (!known[name]?.trim()) problems.push(`${name}: required with the other WHATSAPP_CLOUD_* settings (the Cloud API needs all four)`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  return { ...config, MODEL_PROVIDER: resolveProvider(config.MODEL_PROVIDER, config) };
}

/** A wrong value as the message may show it: never a token or key, nor credentials or a query inside a URL. */
function shown(name: string, value: string): string {
  if (/TOKEN|KEY|SECRET|PASSWORD/.test(name)) return '…';
  return value.replace(/[^/@\s]*@/, '…@').replace(/\?.*$/, '?…');
}

function resolveProvider(choice: 'auto' | ModelProvider, keys: { OPENAI_API_KEY?: string; GEMINI_API_KEY?: string }): ModelProvider {
  if (choice !== 'auto') return choice;
  if (keys.OPENAI_API_KEY) return 'openai';
  if (keys.GEMINI_API_KEY) return 'gemini';
  return 'local';
}
