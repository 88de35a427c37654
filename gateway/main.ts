/**
 * The gateway on its own (`node dist/gateway/main.js`): the HTTP door as a process of its own, for a deployment where
 * gateways and workers scale apart (and `npm run cluster`). Configuration comes from the same environment as the worker
 * (TEMPORAL_*, TIDW_KEYRING_FILE, TIDW_DATA_KEYS_DIR) and the gateway's own (TIDW_HTTP_*, TIDW_OIDC_*); a wrong value
 * stops it with exit code 2, every problem named. SIGINT or SIGTERM lets requests in flight finish, then it exits.
 */
import { createTenancyClient, type TenancyClient } from '../client';
import { ConfigError } from '../platform/config';
import { createLogger } from '../worker/logger';
import { loadGatewayConfig, startGateway, type GatewayConfig, type RunningGateway } from '.';

async function run(): Promise<number> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const logger = createLogger('info').child({ component: 'gateway' });
  let sdk: TenancyClient | undefined;
  let gateway: RunningGateway | undefined;
  try {
    sdk = await createTenancyClient();
    gateway = await startGateway({ sdk, logger, config });
    if (!gateway) {
      logger.warn({}, 'TIDW_HTTP_PORT is 0: no gateway to run');
      return 0;
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info({ signal }, 'gateway stopping');
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    logger.error({ err }, 'gateway failed');
    return 1;
  } finally {
    await gateway?.close();
    await sdk?.close();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
