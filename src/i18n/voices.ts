// Which voice and which language settings each locale gets, for every speech engine in one table: the local
// engine's eSpeak NG voice, the language named in the cloud models' instructions, Gemini Live's speech language and
// the language hint for OpenAI's transcription of the caller. A new language is one line here.
import { resolveLocale } from './i18n.ts';
import type { SupportedLocale } from './i18n.ts';

export interface LocaleVoice {
  /** eSpeak NG voice name for the local engine (espeak-ng --voices). */
  readonly espeak: string;
  /** The language in English, for model instructions: "Reply in Tamil". */
  readonly englishName: string;
  /**
   * Gemini Live `speechConfig.languageCode`, where Gemini lists the language (Vertex AI "configure language and
   * voice", 24 languages). Native-audio models pick the language from the instructions and ignore it.
   */
  readonly gemini?: string;
  /** OpenAI transcription `language` (ISO-639-1), only for languages OpenAI lists as supported for speech to text. */
  readonly openaiTranscription?: string;
}

/**
 * One line per supported locale.
 * - eSpeak NG has no en-IN voice. Indian English is non-rhotic and follows British norms for most vowels, so the
 *   British voice ("en", gmw/en) is closer to what Indian callers hear every day than the rhotic American one.
 * - Gemini lists Bengali as bn-BD only (not bn-IN) and has no Kannada: Kannada gets no languageCode, and the
 *   instructions alone ask for Kannada. Latin-American Spanish is es-US there.
 * - OpenAI does not list Telugu or Bengali among its speech-to-text languages: no hint for them, so the model
 *   detects the language itself rather than being told a language it was not evaluated on.
 */
export const LOCALE_VOICES: Readonly<Record<SupportedLocale, LocaleVoice>> = {
  en: { espeak: 'en', englishName: 'English', gemini: 'en-US', openaiTranscription: 'en' },
  'en-IN': { espeak: 'en', englishName: 'Indian English', gemini: 'en-IN', openaiTranscription: 'en' },
  hi: { espeak: 'hi', englishName: 'Hindi', gemini: 'hi-IN', openaiTranscription: 'hi' },
  mr: { espeak: 'mr', englishName: 'Marathi', gemini: 'mr-IN', openaiTranscription: 'mr' },
  ta: { espeak: 'ta', englishName: 'Tamil', gemini: 'ta-IN', openaiTranscription: 'ta' },
  te: { espeak: 'te', englishName: 'Telugu', gemini: 'te-IN' },
  bn: { espeak: 'bn', englishName: 'Bengali', gemini: 'bn-BD' },
  kn: { espeak: 'kn', englishName: 'Kannada', openaiTranscription: 'kn' },
  'pt-BR': { espeak: 'pt-br', englishName: 'Brazilian Portuguese', gemini: 'pt-BR', openaiTranscription: 'pt' },
  'es-419': { espeak: 'es-419', englishName: 'Latin American Spanish', gemini: 'es-US', openaiTranscription: 'es' },
};

/** The settings for the language whose texts `locale` is served (es-MX -> es-419, hi-IN -> hi, zz -> en). */
export function voiceProfile(locale: string): LocaleVoice {
  return LOCALE_VOICES[resolveLocale(locale)];
}
