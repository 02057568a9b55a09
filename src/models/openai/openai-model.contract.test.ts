// OpenAI Realtime passes the shared model contract, against the protocol-level fake server.
import { modelContract } from '../../../test/contract/model.contract.ts';
import { startFakeOpenAIRealtime } from '../../../test/fakes/openai-realtime-server.ts';
import { createOpenAIRealtimeModel } from './openai-model.ts';

modelContract('OpenAI Realtime', async () => {
  const fake = await startFakeOpenAIRealtime({ toolTrigger: { word: 'book', name: 'check_availability', arguments: '{}' } });
  return {
    model: createOpenAIRealtimeModel({ apiKey: fake.apiKey, url: fake.url, model: 'gpt-realtime', voice: 'marin', turnDetection: 'server_vad' }),
    askForTool: (session) => session.sendText('Please book me an appointment for tomorrow'),
    violations: () => fake.violations,
    close: () => fake.close(),
  };
});
