// Entry point: read the configuration, start the gateway, drain cleanly on SIGTERM or SIGINT.
import { ConfigError, loadConfig } from './config.ts';
import { startGateway } from './gateway.ts';
import { ToolsFileError } from './agent/http-tools/index.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  // A missed rejection must cost at most one conversation, never every live call on this instance.
  process.on('unhandledRejection', (reason: unknown) => log.error({ err: reason }, 'unhandled rejection'));
  let gateway;
  try {
    gateway = await startGateway(config, { log, environment: process.env });
  } catch (error) {
    if (error instanceof ToolsFileError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  console.log(`Gateway ready on http://localhost:${gateway.port} (model: ${config.MODEL_PROVIDER}, store: ${gateway.store.kind})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, live: gateway.conversations.liveCount() }, 'draining');
    gateway.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
