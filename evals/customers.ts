// The customer's side of an eval, one per channel, through the project's protocol fakes: a Twilio call (signed
// webhook + media stream), a WhatsApp Cloud customer (signed webhooks, answers read at the fake Graph API) and a
// widget visitor (WebRTC + data channel). Each does a scenario's actions and says which conversation it is in.
import { concatPcm } from '../test/concat-pcm.ts';
import { callerSpeech } from '../test/fakes/caller-speech.ts';
import { placeCall, type FakeTwilioCall } from '../test/fakes/twilio-client.ts';
import { audioWebhook, postWebhook, textWebhook } from '../test/fakes/whatsapp-cloud-webhooks.ts';
import { WebRtcClient } from '../test/fakes/webrtc-client.ts';
import { pollFor } from '../test/wait.ts';
import { encodeVoiceNote } from '../src/audio/voice-note.ts';
import { sine } from '../src/audio/pcm.ts';
import type { ChannelName, Step } from './scenario.ts';
import { TWILIO_AUTH_TOKEN, WHATSAPP, type RunningSetup } from './setups.ts';

export type Action = Extract<Step, { say: string } | { press: string } | { type: string } | { voiceNoteS: number } | { leave: true }>;

export interface Customer {
  /** Known once the gateway has opened the conversation (for WhatsApp, after the first message). */
  conversationId(): Promise<string>;
  act(action: Action): Promise<void>;
  /** Lets go of anything still open (a call the scenario did not hang up). */
  close(): Promise<void>;
}

/** Silence after speech, so voice detection hears the end of the turn. */
const TRAILING_SILENCE_MS = 800;
let nextCustomer = 0;

export async function openCustomer(channel: ChannelName, setup: RunningSetup): Promise<Customer> {
  if (channel === 'phone') return PhoneCustomer.dial(setup);
  if (channel === 'whatsapp') return new WhatsAppCustomer(setup);
  return WidgetVisitor.visit(setup);
}

export const isAction = (step: Step): step is Action => 'say' in step || 'press' in step || 'type' in step || 'voiceNoteS' in step || 'leave' in step;

function unsupported(channel: string, action: Action): Error {
  return new Error(`a ${channel} customer cannot ${Object.keys(action)[0]}`);
}

class PhoneCustomer implements Customer {
  private constructor(private readonly call: FakeTwilioCall) {}

  static async dial(setup: RunningSetup): Promise<PhoneCustomer> {
    const from = `+91981${String(2_000_000 + ++nextCustomer).padStart(7, '0')}`;
    return new PhoneCustomer(await placeCall({ baseUrl: setup.gateway.url, authToken: TWILIO_AUTH_TOKEN, from }));
  }

  async conversationId(): Promise<string> {
    const id = this.call.customParameters.conversationId;
    if (!id) throw new Error('the TwiML carried no conversationId parameter');
    return id;
  }

  async act(action: Action): Promise<void> {
    if ('press' in action) return this.call.pressDigit(action.press);
    if ('say' in action) {
      const speech = await callerSpeech(action.say);
      return this.call.streamAudio(concatPcm([speech, new Int16Array((8 * TRAILING_SILENCE_MS))]));
    }
    if ('leave' in action) return this.call.hangUp();
    throw unsupported('phone', action);
  }

  async close(): Promise<void> {
    if (this.call.isOpen) await this.call.hangUp();
  }
}

class WhatsAppCustomer implements Customer {
  readonly phone = `91981${String(3_000_000 + ++nextCustomer).padStart(7, '0')}`;
  readonly #startedAt = Date.now();
  #id: string | undefined;

  constructor(private readonly setup: RunningSetup) {}

  async conversationId(): Promise<string> {
    // The gateway opens a chat's conversation on its first message; it is the newest WhatsApp record from then on.
    this.#id ??= await pollFor(`a WhatsApp conversation for ${this.phone}`, async () => {
      const recent = await this.setup.gateway.conversations.records.recent(20);
      return recent.find((record) => record.channel === 'whatsapp' && record.createdAt >= this.#startedAt - 1000 && (record.from ?? '').replace(/\D/gu, '').endsWith(this.phone))?.id;
    }, { timeoutMs: 5000 });
    return this.#id;
  }

  async act(action: Action): Promise<void> {
    const base = { phoneNumberId: WHATSAPP.phoneNumberId, sender: { phone: this.phone, name: 'Asha' } };
    let body: Record<string, unknown>;
    if ('type' in action) body = textWebhook({ ...base, body: action.type });
    else if ('voiceNoteS' in action) {
      const note = encodeVoiceNote(sine(300, 24_000, Math.round(24_000 * action.voiceNoteS), -12));
      body = audioWebhook({ ...base, mediaId: this.setup.graph.addMedia(note.ogg, 'audio/ogg; codecs=opus'), voice: true });
    } else if ('leave' in action) return; // the customer just stops writing: the chat idles out
    else throw unsupported('WhatsApp', action);
    const answer = await postWebhook({ baseUrl: this.setup.gateway.url, appSecret: WHATSAPP.appSecret, body });
    if (answer.status !== 200) throw new Error(`the webhook was answered ${answer.status}: ${answer.body}`);
  }

  async close(): Promise<void> {}
}

class WidgetVisitor implements Customer {
  #left = false;
  private constructor(private readonly client: WebRtcClient) {}

  static async visit(setup: RunningSetup): Promise<WidgetVisitor> {
    const client = new WebRtcClient();
    await client.connect(setup.gateway.url);
    return new WidgetVisitor(client);
  }

  async conversationId(): Promise<string> {
    if (!this.client.conversationId) throw new Error('the offer was answered without a conversationId');
    return this.client.conversationId;
  }

  async act(action: Action): Promise<void> {
    if ('type' in action) return this.client.sendText(action.type);
    if ('leave' in action) {
      this.#left = true;
      this.client.hangUp();
      return this.client.waitForClosed();
    }
    throw unsupported('widget', action);
  }

  async close(): Promise<void> {
    if (!this.#left && this.client.channelState === 'open') this.client.hangUp();
    await this.client.close();
  }
}
