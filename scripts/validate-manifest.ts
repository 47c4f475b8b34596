// npm run validate:manifest [-- options]
// Checks appPackage/ offline: placeholders, the official Teams JSON schema, and the icons (scripts/lib/manifest.ts).
//
//   --env NAME         read env/.env.NAME (and env/.env.NAME.user if present); default: local
//   --env-file FILE    read this env file instead (and FILE.user if present)
//   --set KEY=VALUE    set a placeholder value (repeatable; wins over the env file)
//   --strict           unresolved placeholders are errors, as in the toolkit's teamsApp/validateManifest
//   --manifest FILE    validate another manifest (default: appPackage/manifest.json)
//
// Placeholder values come from the process environment, then the env file, then --set, later winning
// (the toolkit also loads the env file over the process environment). Exit code 0: valid; 1: errors; 2: bad usage.
import path from 'node:path';
import { loadEnvFile, type EnvValues } from './lib/env-file';
import { DEFAULT_MANIFEST, REPO_ROOT, validateAppPackage } from './lib/manifest';

interface Args {
  envFile: string;
  overrides: EnvValues;
  strict: boolean;
  manifestPath: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    envFile: path.join(REPO_ROOT, 'env', '.env.local'),
    overrides: {},
    strict: false,
    manifestPath: DEFAULT_MANIFEST,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${flag} needs a value`);
      }
      return v;
    };
    if (flag === '--env') {
      args.envFile = path.join(REPO_ROOT, 'env', `.env.${value()}`);
    } else if (flag === '--env-file') {
      args.envFile = path.resolve(value());
    } else if (flag === '--set') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new Error(`--set expects KEY=VALUE, got ${pair}`);
      }
      args.overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (flag === '--strict') {
      args.strict = true;
    } else if (flag === '--manifest') {
      args.manifestPath = path.resolve(value());
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  return args;
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`validate-manifest: ${(e as Error).message}`);
    return 2;
  }
  const fromProcess = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const env = { ...fromProcess, ...loadEnvFile(args.envFile), ...args.overrides };
  const result = await validateAppPackage({ manifestPath: args.manifestPath, env, strict: args.strict });

  const where = `${path.relative(process.cwd(), args.manifestPath)} with ${path.relative(process.cwd(), args.envFile)}`;
  for (const warning of result.warnings) {
    console.warn(`warning: ${warning}`);
  }
  if (result.errors.length > 0) {
    console.error(`${where}: ${result.errors.length} error(s)`);
    for (const error of result.errors) {
      console.error(`  - ${error}`);
    }
    return 1;
  }
  console.log(`${where}: valid (schema ${String(result.manifest?.manifestVersion)}, icons ok)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
