import { ConfigError } from '@images/core';
import { createGatewayApp } from './app.factory';
import { loadGatewayConfig, readEnvironment } from './config/gateway-config';
import { PROVIDER_REGISTRATIONS } from './config/provider-registry';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(readEnvironment(), PROVIDER_REGISTRATIONS);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line naming the variable; nothing else starts.
      process.stderr.write(`images-gateway: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const gateway = await createGatewayApp(config);
  const url = await gateway.listen();
  gateway.logger.info({ url, providers: config.providers.map((p) => p.id) }, 'images-gateway listening');

  let draining = false;
  const drain = (signal: string) => {
    if (draining) return;
    draining = true;
    // An orchestrator's SIGTERM waits SHUTDOWN_DELAY_MS for traffic to move away; a Ctrl-C in a terminal does not.
    gateway.shutdown(signal, { delay: signal === 'SIGTERM' }).then(
      (clean) => process.exit(clean ? 0 : 1),
      (error: unknown) => {
        gateway.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
}

void main();
