// What a conversation cost in model usage, in US dollars, from a price table matched on the model's name (the
// provider name a conversation records, such as "openai", or a model id such as "gpt-realtime").
//
// Prices, US dollars per million tokens, checked 2026 against:
//   gpt-realtime (also gpt-realtime-1.5): text $4 in / $16 out, audio $32 in / $64 out
//     developers.openai.com/api/docs/models/gpt-realtime-1.5
//   OpenAI audio tokens: user audio 1 token per 100 ms, assistant audio 1 token per 50 ms
//     developers.openai.com/api/docs/guides/realtime-costs
//   Gemini 2.5 Flash native audio (Live API), paid tier: text $0.50 in / $2 out, audio $3 in / $12 out
//     ai.google.dev/gemini-api/docs/pricing, as quoted on anttisahla.com/ai/models/gemini-2-5-flash-live (May 2026)
//   Gemini audio tokens: 25 per second for Live native audio. Google's general audio page says 32 per second for
//     audio in prompts; users report 25 on Live and Google has not said which applies: treat estimates as rough.
//   gpt-4o-mini: $0.15 in / $0.60 out (openai.com/api/pricing, widely mirrored)
//   The local engine runs on this machine: no per-token cost.
//
// When usage reports tokens, they are priced: as audio up to what the audio's length accounts for, the rest as text.
// When it reports only audio milliseconds (the local engine, a provider without usage events), tokens are estimated
// from the audio. Both providers bill the whole conversation context again on every turn, which neither estimate
// sees, so figures from audio alone are a floor, not a bill.
import type { UsageTotals } from '../analytics-types.ts';

export interface ModelPrice {
  /** Shown in reports. */
  readonly label: string;
  readonly matches: RegExp;
  readonly textInputPerMillion: number;
  readonly textOutputPerMillion: number;
  readonly audioInputPerMillion: number;
  readonly audioOutputPerMillion: number;
  readonly inputAudioTokensPerSecond: number;
  readonly outputAudioTokensPerSecond: number;
}

export const PRICES: readonly ModelPrice[] = [
  {
    label: 'OpenAI gpt-realtime',
    matches: /^(?:openai|gpt-realtime(?!-mini)[\w.-]*)$/iu,
    textInputPerMillion: 4,
    textOutputPerMillion: 16,
    audioInputPerMillion: 32,
    audioOutputPerMillion: 64,
    inputAudioTokensPerSecond: 10,
    outputAudioTokensPerSecond: 20,
  },
  {
    label: 'Gemini Live native audio',
    matches: /^(?:gemini|(?:models\/)?gemini-[\w.-]*(?:native-audio|live)[\w.-]*)$/iu,
    textInputPerMillion: 0.5,
    textOutputPerMillion: 2,
    audioInputPerMillion: 3,
    audioOutputPerMillion: 12,
    inputAudioTokensPerSecond: 25,
    outputAudioTokensPerSecond: 25,
  },
  {
    label: 'local engine',
    matches: /^local$/iu,
    textInputPerMillion: 0,
    textOutputPerMillion: 0,
    audioInputPerMillion: 0,
    audioOutputPerMillion: 0,
    inputAudioTokensPerSecond: 0,
    outputAudioTokensPerSecond: 0,
  },
  {
    label: 'OpenAI gpt-4o-mini',
    matches: /^gpt-4o-mini(?:-\d{4}-\d{2}-\d{2})?$/iu,
    textInputPerMillion: 0.15,
    textOutputPerMillion: 0.6,
    audioInputPerMillion: 0,
    audioOutputPerMillion: 0,
    inputAudioTokensPerSecond: 0,
    outputAudioTokensPerSecond: 0,
  },
];

export function priceOf(model: string): ModelPrice | undefined {
  return PRICES.find((price) => price.matches.test(model));
}

export interface ModelCost {
  readonly model: string;
  /** Reported tokens, or the estimate from audio when none were reported. */
  readonly tokens: number;
  readonly costUsd: number;
  /** False for a model the table does not know: its tokens count, its cost is 0. */
  readonly priced: boolean;
}

const NO_USAGE: UsageTotals = { inputAudioMs: 0, outputAudioMs: 0, inputTokens: 0, outputTokens: 0 };

/** Splits one direction's tokens into audio and text; estimates audio tokens when none were reported. */
function direction(reportedTokens: number, audioMs: number, tokensPerSecond: number): { audio: number; text: number } {
  const audioEstimate = (audioMs / 1000) * tokensPerSecond;
  if (reportedTokens <= 0) return { audio: audioEstimate, text: 0 };
  const audio = Math.min(reportedTokens, audioEstimate);
  return { audio, text: reportedTokens - audio };
}

export function costOf(model: string, usage: Partial<UsageTotals>): ModelCost {
  const used = { ...NO_USAGE, ...finite(usage) };
  const price = priceOf(model);
  if (!price) return { model, tokens: used.inputTokens + used.outputTokens, costUsd: 0, priced: false };
  const input = direction(used.inputTokens, used.inputAudioMs, price.inputAudioTokensPerSecond);
  const output = direction(used.outputTokens, used.outputAudioMs, price.outputAudioTokensPerSecond);
  const dollars =
    (input.text * price.textInputPerMillion +
      input.audio * price.audioInputPerMillion +
      output.text * price.textOutputPerMillion +
      output.audio * price.audioOutputPerMillion) /
    1_000_000;
  return { model, tokens: Math.round(input.audio + input.text + output.audio + output.text), costUsd: roundUsd(dollars), priced: true };
}

/** Dollars to a millionth: finer than any price here bills, coarse enough to add up without float noise. */
export function roundUsd(dollars: number): number {
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

/** Only non-negative finite numbers: usage comes from stored JSON, which may be older or damaged. */
function finite(usage: Partial<UsageTotals>): Partial<UsageTotals> {
  const clean: Partial<Record<keyof UsageTotals, number>> = {};
  for (const key of ['inputAudioMs', 'outputAudioMs', 'inputTokens', 'outputTokens'] as const) {
    const value = usage[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) clean[key] = value;
  }
  return clean;
}
