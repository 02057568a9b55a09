// Gemini Live passes the shared model contract, against the protocol-level fake server.
import { modelContract } from '../../../test/contract/model.contract.ts';
import { FAKE_GEMINI_API_KEY, startFakeGeminiLive } from '../../../test/fakes/gemini-live-server.ts';
import { createGeminiLiveModel } from './gemini-model.ts';

modelContract('Gemini Live', async () => {
  const fake = await startFakeGeminiLive({ tool: { trigger: 'book', name: 'check_availability', args: {} } });
  return {
    model: createGeminiLiveModel({ apiKey: FAKE_GEMINI_API_KEY, url: fake.url, model: 'models/gemini-2.5-flash-native-audio-preview-12-2025' }),
    askForTool: (session) => session.sendText('Please book me an appointment for tomorrow'),
    violations: () => fake.violations,
    close: () => fake.close(),
  };
});
