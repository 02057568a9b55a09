// The local engine passes the shared model contract.
import { modelContract } from '../../../test/contract/model.contract.ts';
import { createLocalModel } from './local-model.ts';

modelContract('local engine', async () => {
  const model = createLocalModel();
  await model.warmUp();
  return {
    model,
    // The contract's agent is a team: 2 first hands the caller to the booking specialist, whose answer is not spoken;
    // 1 looks the hours up in the knowledge texts, and any answer to that is spoken.
    askForTool: (session) => session.sendDtmf('1'),
    close: () => model.close(),
  };
});
