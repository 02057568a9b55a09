// The shape of Meta's `messages` webhook, checked at the boundary. Objects are loose: Meta adds fields often (user ids
// for usernames in 2026, ad referrals, identity hashes) and a new field must never turn a message away. Only what we
// read is required; a message type we do not know passes and becomes `unsupported` further on.
import { z } from 'zod';

/** Seconds since the epoch; Meta sends a string of digits. */
const epochSeconds = z.union([z.string().regex(/^\d{1,12}$/, 'digits'), z.number().int().nonnegative()]).transform(Number);

export const messageSchema = z
  .looseObject({
    /** The customer's phone number in digits; omitted in 2026 for customers who adopted a username. */
    from: z.string().regex(/^\d{5,20}$/, 'a phone number in digits').optional(),
    /** The business-scoped user id (such as IN.1410018717833190), sent since April 2026. */
    from_user_id: z.string().regex(/^[A-Za-z0-9._-]{1,160}$/, 'a business-scoped user id').optional(),
    id: z.string().min(1).max(256),
    timestamp: epochSeconds,
    type: z.string().min(1).max(64),
    text: z.looseObject({ body: z.string() }).optional(),
    audio: z
      .looseObject({
        id: z.string().min(1).max(128),
        mime_type: z.string().min(1).max(128),
        voice: z.boolean().optional(),
        sha256: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((message, context) => {
    if (message.from === undefined && message.from_user_id === undefined) {
      context.addIssue({ code: 'custom', path: ['from'], message: 'a message needs `from` or `from_user_id`' });
    }
    // A type we know must carry its payload; one we do not know is kept as unsupported.
    if (message.type === 'text' && message.text === undefined) {
      context.addIssue({ code: 'custom', path: ['text'], message: 'a text message needs `text.body`' });
    }
    if (message.type === 'audio' && message.audio === undefined) {
      context.addIssue({ code: 'custom', path: ['audio'], message: 'an audio message needs `audio.id` and `audio.mime_type`' });
    }
  });

export const contactSchema = z.looseObject({
  profile: z.looseObject({ name: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
});

const statusErrorSchema = z.looseObject({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

export const statusSchema = z.looseObject({
  id: z.string(),
  /** sent, delivered, read, failed, and since 2026 played (voice notes). */
  status: z.string(),
  timestamp: epochSeconds.optional(),
  recipient_id: z.string().optional(),
  errors: z.array(statusErrorSchema).optional(),
});

/** `entry[].changes[].value` when `field` is `messages`. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z.array(contactSchema).optional(),
  /** Checked one by one (messageSchema): a malformed message costs only itself, never the rest of the batch. */
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(statusSchema).optional(),
  /** System-level problems Meta reports asynchronously. */
  errors: z.array(statusErrorSchema).optional(),
});

export const notificationSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

export type WebhookMessage = z.infer<typeof messageSchema>;
export type WebhookContact = z.infer<typeof contactSchema>;
export type WebhookStatus = z.infer<typeof statusSchema>;
export type MessagesValue = z.infer<typeof messagesValueSchema>;

/** The first few problems of a failed parse, with where they are, for a 400 a person can act on. */
export function describeIssues(error: z.ZodError, at: string): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    return `${at}${path}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}
