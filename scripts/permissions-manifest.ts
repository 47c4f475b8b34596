// `npm run permissions:manifest [-- --check]`: writes infra/permissions.json, the Microsoft 365 grants the app needs,
// generated from src/offboarding/permissions.ts (the one source of truth). docs/DEPLOYMENT.md grants exactly this;
// test/offboarding/permissions.test.ts fails when the file, the guide or the code disagree. --check writes nothing
// and exits 1 when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { permissionManifestText } from '../src/offboarding/permissions';

export const MANIFEST_FILE = path.join(__dirname, '..', 'infra', 'permissions.json');

export function manifestCli(args: string[], print: (line: string) => void): number {
  const text = permissionManifestText();
  let current: string | undefined;
  try {
    current = readFileSync(MANIFEST_FILE, 'utf8');
  } catch {
    current = undefined;
  }
  const relative = path.relative(process.cwd(), MANIFEST_FILE);
  if (args.includes('--check')) {
    if (current === text) {
      print(`${relative} is up to date.`);
      return 0;
    }
    print(`${relative} is out of date: run \`npm run permissions:manifest\` and update docs/DEPLOYMENT.md to match.`);
    return 1;
  }
  if (current === text) {
    print(`${relative} unchanged.`);
  } else {
    writeFileSync(MANIFEST_FILE, text);
    print(`${relative} written: check that docs/DEPLOYMENT.md grants the same (npx mocha test/offboarding/permissions.test.ts).`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = manifestCli(process.argv.slice(2), (line) => console.log(line));
}
