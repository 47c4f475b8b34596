// `npm run dev`: the bot, the embedded simulated tenant and Microsoft's Agents Playground, all on 127.0.0.1.
// Always simulated: the Playground sends unsigned activities, which must never reach a bot wired to a real tenant.
import { ConfigError } from '../src/config';
import { SIMULATED_BANNER, startBot } from '../src/startup';
import { startPlayground } from './lib/playground';

const REAL_TENANT_VARIABLES = ['TENANT_ID', 'M365_CREDENTIAL', 'GRAPH_BASE_URL', 'EXCHANGE_BASE_URL', 'BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'BOT_TYPE'];

async function main(): Promise<void> {
  const env = { ...process.env };
  const ignored = REAL_TENANT_VARIABLES.filter((v) => env[v]);
  for (const v of REAL_TENANT_VARIABLES) {
    delete env[v];
  }
  const bot = await startBot({ env });
  const playground = await startPlayground({ botEndpoint: `${bot.url}/api/messages`, port: Number(process.env.PLAYGROUND_PORT ?? 56150) });

  const lines = [
    '',
    `*** ${SIMULATED_BANNER} ***`,
    `Bot:               ${bot.url}/api/messages`,
    `Simulated tenant:  ${bot.tenant?.url ?? '-'}  (Graph /v1.0, Exchange /adminapi/beta/${bot.m365.tenantId}/InvokeCommand)`,
    `Agents Playground: ${playground.url}   <- open this in a browser`,
    ...(ignored.length ? [`(ignored for dev: ${ignored.join(', ')})`] : []),
    'Press Ctrl+C to stop.',
    '',
  ];
  console.log(lines.join('\n'));

  const stop = (): void => {
    void Promise.allSettled([playground.close(), bot.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  playground.process.once('exit', (code) => {
    console.error(`Agents Playground exited (${code}).`);
    stop();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : err);
  process.exit(1);
});
