// The local engine passes the shared model contract.
import { modelContract } from '../../../test/contract/model.contract.ts';
import { createLocalModel } from './local-model.ts';

modelContract('local engine', async () => {
  const model = createLocalModel();
  await model.warmUp();
  return {
    model,
    askForTool: (session) => session.sendDtmf('2'),
    close: () => model.close(),
  };
});
