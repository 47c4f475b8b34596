// Which store `npm run dev` gives the bot: SQLite under DATA_DIR (the default), or, with `npm run dev -- --azurite`,
// the Azure store on an Azurite of its own (loopback, in memory, stopped with the demo), to try the shared store
// without an Azure account. The choice reaches the bot as configuration (AZURE_STORAGE_CONNECTION_STRING), as it
// would in production.
import { parseArgs } from 'node:util';
import { startAzurite, type RunningAzurite } from './azurite';

export const DEV_USAGE = 'usage: npm run dev [-- --azurite]';

export interface DevOptions {
  azurite: boolean;
}

/** `npm run dev` arguments; an unknown one throws with the usage (a typo must not silently fall back to SQLite). */
export function parseDevArgs(argv: string[]): DevOptions {
  try {
    const { values } = parseArgs({ args: argv, options: { azurite: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
    return { azurite: values.azurite };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${DEV_USAGE}`, { cause: err });
  }
}

export interface DevStore {
  /** One line for the start-up banner. */
  description: string;
  /** Storage variables of the caller's environment that this choice overrides (named in the banner). */
  overridden: string[];
  azurite?: RunningAzurite;
  stop(): Promise<void>;
}

const STORE_VARIABLES = ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT_NAME'];

/** Prepares `env` (the bot's environment, changed in place) for the chosen store; start Azurite when asked. */
export async function prepareDevStore(options: DevOptions, env: NodeJS.ProcessEnv): Promise<DevStore> {
  if (!options.azurite) {
    const azure = STORE_VARIABLES.filter((v) => env[v]);
    return {
      description: azure.length ? `Azure Storage (${azure.join(', ')} from your environment)` : `SQLite under ${env.DATA_DIR || './data'}`,
      overridden: [],
      stop: () => Promise.resolve(),
    };
  }
  // Never a real account from the caller's shell: the demo's store is this Azurite, nothing else.
  const overridden = STORE_VARIABLES.filter((v) => env[v]);
  for (const v of STORE_VARIABLES) {
    delete env[v];
  }
  const azurite = await startAzurite();
  env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
  return {
    description: `Azure store on Azurite, in memory (blob ${azurite.blobUrl}, table ${azurite.tableUrl}; prefix ${env.AZURE_STORAGE_PREFIX || 'offboarding'})`,
    overridden,
    azurite,
    stop: () => azurite.stop(),
  };
}
