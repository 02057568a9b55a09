// What a conversation was about, as one small fixed set: the router's hand-offs set it, the local menu's choices set
// it, and post-conversation analytics classify it when neither did. Small on purpose: it is a metrics label.

export const INTENTS = ['booking', 'status', 'escalation', 'faq', 'other'] as const;

export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}
