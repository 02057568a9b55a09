// What an eval scenario is: a small declarative script of what a customer does on one channel, against one provider
// setup, with the outcome and intent post-conversation analytics should conclude and a business check of what
// really happened (a booking in the store, a <Dial> at Twilio). Scenario files in evals/scenarios/ are data only.
import type { Outcome } from '../src/analytics/analytics-types.ts';
import type { Intent } from '../src/agent/intents.ts';
import type { Gateway } from '../src/gateway.ts';
import type { TranscriptEntry } from '../src/conversation/records.ts';
import type { FakeGraph } from '../test/fakes/whatsapp-graph-server.ts';
import type { FakeHelpDesk } from '../test/fakes/help-desk.ts';
import type { FakeOpenAIRealtimeOptions } from '../test/fakes/openai-realtime-server.ts';
import type { FakeTwilioRest } from './fakes/twilio-rest.ts';

export type ChannelName = 'phone' | 'whatsapp' | 'widget';

/** A provider setup: one gateway serves every scenario of the same setup. */
export type SetupName = 'local' | 'openai';

/** How the cloud fake behaves in one scenario: which tool a trigger word calls, what it "hears" in speech. */
export type ProviderScript = Pick<FakeOpenAIRealtimeOptions, 'toolTrigger' | 'toolTriggers' | 'userTranscript' | 'reply'>;

export type Step =
  /** Phone: the caller says this (eSpeak speech streamed in real time). */
  | { readonly say: string }
  /** Phone: a keypad press. */
  | { readonly press: string }
  /** WhatsApp and widget: a typed message. */
  | { readonly type: string }
  /** WhatsApp: a voice note of this many seconds. */
  | { readonly voiceNoteS: number }
  /** Waits until an answer of the agent, given after the previous action, matches (the conversation's transcript). */
  | { readonly reply: RegExp; readonly timeoutMs?: number }
  /** Waits until the conversation records an event matching, such as `transferred: ...`. */
  | { readonly event: RegExp; readonly timeoutMs?: number }
  /** Waits until the agent has called this tool and the result is in the transcript. */
  | { readonly toolResult: string; readonly timeoutMs?: number }
  /** The customer goes away: hang-up on the phone, the widget's hang-up, silence on WhatsApp (the chat idles out). */
  | { readonly leave: true };

/** What a check can look at once the conversation has ended. */
export interface CheckContext {
  readonly conversationId: string;
  readonly gateway: Gateway;
  readonly transcript: readonly TranscriptEntry[];
  readonly twilioRest: FakeTwilioRest;
  readonly graph: FakeGraph;
  readonly helpDesk: FakeHelpDesk;
  /** The WhatsApp customer's number, when the scenario ran there. */
  readonly customerPhone?: string;
}

export interface BusinessCheck {
  /** Said in the output, such as "a booking is stored for the conversation". */
  readonly what: string;
  /** A problem in words, or null when the business result is there. */
  run(context: CheckContext): Promise<string | null>;
}

export interface Scenario {
  readonly name: string;
  readonly channel: ChannelName;
  readonly setup: SetupName;
  /** Cloud setups: the fake's script for this scenario. */
  readonly provider?: ProviderScript;
  readonly steps: readonly Step[];
  readonly expected: { readonly outcome: Outcome; readonly intent: Intent };
  readonly check: BusinessCheck;
}

/** Identity: only here so scenario files get their literal types checked. */
export const scenario = (definition: Scenario): Scenario => definition;
