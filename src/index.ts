// Entry point: start the bot with the process environment; a bad configuration exits non-zero naming the variable.
import { ConfigError } from './config';
import { SIMULATED_BANNER, startBot } from './startup';

async function main(): Promise<void> {
  try {
    const bot = await startBot();
    if (bot.tenant) {
      process.stderr.write(`\n*** ${SIMULATED_BANNER} (${bot.tenant.url}) ***\n\n`);
    }
    const stop = (): void => {
      bot.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

void main();
