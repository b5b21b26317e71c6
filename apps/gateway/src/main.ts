import { ConfigError } from '@images/core';
import { createGatewayApp } from './app.factory';
import { loadGatewayConfig, readEnvironment } from './config/gateway-config';
import { PROVIDER_REGISTRATIONS } from './config/provider-registry';
import { LifecycleService } from './health/lifecycle.service';

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
  gateway.logger.info({ url, providers: config.providers.map((p) => p.registration.id) }, 'images-gateway listening');

  const drain = async (signal: string) => {
    gateway.logger.info({ signal }, 'draining');
    gateway.app.get(LifecycleService).markDraining();
    await gateway.app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void drain('SIGTERM'));
  process.once('SIGINT', () => void drain('SIGINT'));
}

void main();
