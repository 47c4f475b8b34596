// `npm run dev`: the bot, the embedded simulated tenant and two of Microsoft's Agents Playgrounds, all on 127.0.0.1:
// one signed in as the operator (Isaac Ito), one as Jane Doe's manager (Marcus Reed), so the whole offboarding can be
// followed in a browser: the request, the manager's approval, the progress and the summary.
// Always simulated: the Playground sends unsigned activities, which must never reach a bot wired to a real tenant.
// `npm run dev -- --azurite`: the same on the Azure store, with an Azurite of its own (scripts/lib/dev-store.ts).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../src/config';
import { SIMULATED_BANNER, startBot } from '../src/startup';
import { parseDevArgs, prepareDevStore } from './lib/dev-store';
import { DEFAULT_PLAYGROUND_CONFIG, startPlayground, writePlaygroundConfigAs } from './lib/playground';

const REAL_TENANT_VARIABLES = ['TENANT_ID', 'M365_CREDENTIAL', 'GRAPH_BASE_URL', 'EXCHANGE_BASE_URL', 'BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'BOT_TYPE'];

interface Person {
  name: string;
  aadObjectId: string;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseDevArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const env = { ...process.env };
  const ignored = REAL_TENANT_VARIABLES.filter((v) => env[v]);
  for (const v of REAL_TENANT_VARIABLES) {
    delete env[v];
  }
  const config = YAML.parse(fs.readFileSync(DEFAULT_PLAYGROUND_CONFIG, 'utf8')) as { currentUser: Person; users: Person[]; team: { channels: Array<{ id: string; name: string }> } };
  const channel = config.team.channels.find((c) => c.name === 'Offboarding')!;
  // Summaries go to the Offboarding channel, as in a real deployment (SUMMARY_CHANNEL_ID), unless set otherwise.
  env.SUMMARY_CHANNEL_ID ??= channel.id;

  const store = await prepareDevStore(options, env);
  // However this process ends, Azurite (a child process) must not outlive it.
  process.once('exit', () => store.azurite?.process.kill());
  const bot = await startBot({ env });
  const managerId = bot.tenant!.personas.janeManager!;
  const manager = config.users.find((u) => u.aadObjectId === managerId)!;
  const playground = await startPlayground({ botEndpoint: `${bot.url}/api/messages`, port: Number(process.env.PLAYGROUND_PORT ?? 56150) });
  const managerConfig = writePlaygroundConfigAs(managerId);
  const managerPlayground = await startPlayground({
    botEndpoint: `${bot.url}/api/messages`,
    port: Number(process.env.PLAYGROUND_MANAGER_PORT ?? 56151),
    configPath: managerConfig,
    logFile: path.join(__dirname, '..', 'artifacts', 'playground-manager.log'),
  });

  const lines = [
    '',
    `*** ${SIMULATED_BANNER} ***`,
    `Bot:               ${bot.url}/api/messages`,
    `Simulated tenant:  ${bot.tenant?.url ?? '-'}  (Graph /v1.0, Exchange /adminapi/beta/${bot.m365.tenantId}/InvokeCommand)`,
    `Store:             ${store.description}`,
    ...(ignored.length || store.overridden.length ? [`(ignored for dev: ${[...ignored, ...store.overridden].join(', ')})`] : []),
    '',
    'Try a whole offboarding, in two browser tabs:',
    `  1. ${manager.name}'s Agents Playground: ${managerPlayground.url}`,
    `     Open it first. ${manager.name} is Jane Doe's manager; opening it introduces him to the bot, so his approval card`,
    '     reaches his Personal Chat (opened later, the card that went to your thread follows him there).',
    `  2. Your Agents Playground: ${playground.url}`,
    `     You are ${config.currentUser.name}, an IT operator. Open the *${channel.name}* channel and post`,
    '     "@Offboarding offboard Jane Doe" (type @Off and pick the bot), check the card and click "Submit for approval".',
    `  3. In ${manager.name}'s tab, *Personal Chat*: the approval card. Click "Approve" (you act as ${manager.name}).`,
    `  4. In your tab: the progress card fills in under your post, then the summary is posted in *${channel.name}*.`,
    '  Also: "status", "cancel <request id>", "help" (in Personal Chat, no @mention needed).',
    'Press Ctrl+C to stop.',
    '',
  ];
  console.log(lines.join('\n'));

  const stop = (): void => {
    // The bot first (it may still write), then its store.
    void Promise.allSettled([playground.close(), managerPlayground.close(), bot.close()])
      .then(() => store.stop())
      .catch(() => undefined)
      .then(() => {
        fs.rmSync(path.dirname(managerConfig), { recursive: true, force: true });
        process.exit(0);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const p of [playground, managerPlayground]) {
    p.process.once('exit', (code) => {
      console.error(`Agents Playground exited (${code}).`);
      stop();
    });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : err);
  process.exit(1);
});
