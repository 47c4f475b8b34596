// The runtime the bot is deployed on, and how it gets there: package.json `engines`, the web app's linuxFxVersion
// (infra/azure.bicep) and the deploy step (teamsapp.yml, the zip that infra/.webappignore shapes, and the build that
// App Service runs on the target) must agree, so that native modules (better-sqlite3) are built on, and for, the
// Node.js that loads them. Nothing here reaches Azure: it reads the project's files as the toolkit and App Service do.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import semver from 'semver';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** Node.js LTS lines with upstream support, and the day it ends (the Node.js release schedule). Node 20 ended 2026-04-30. */
const SUPPORTED_LTS: Record<number, string> = { 22: '2027-04-30', 24: '2028-04-30' };

const BICEP = read('infra/azure.bicep');
const PACKAGE = JSON.parse(read('package.json')) as { engines: { node: string } };

/** The web app's Node.js major, from `linuxFxVersion: 'NODE|<major>-lts'`. */
function deployedMajor(): number {
  const values = [...BICEP.matchAll(/^\s*linuxFxVersion:\s*'([^']*)'/gm)].map((m) => m[1]!);
  assert.equal(values.length, 1, `one literal linuxFxVersion in infra/azure.bicep, got ${JSON.stringify(values)}`);
  const match = /^NODE\|(\d+)-lts$/.exec(values[0]!);
  assert.ok(match, `linuxFxVersion must be NODE|<major>-lts, got ${values[0]}`);
  return Number(match[1]);
}

/** An App Service setting of the web app in infra/azure.bicep (`name: 'X'` followed by `value: '...'`), or undefined. */
function appSetting(name: string): string | undefined {
  const match = new RegExp(`name: '${name}'\\s*\\n\\s*value: '([^']*)'`).exec(BICEP);
  return match?.[1];
}

interface Step {
  uses: string;
  with?: Record<string, string>;
}

/** What azureAppService/zipDeploy puts in the zip: every file not ignored, as the toolkit matches it (the `ignore`
 * package, one trimmed line of the ignore file per rule, plus its own temp folder `.deployment`). */
function zipFilter(): { step: Step; zipped: (file: string) => boolean } {
  const yml = parse(read('teamsapp.yml')) as { deploy: Step[] };
  const steps = yml.deploy.filter((s) => s.uses === 'azureAppService/zipDeploy');
  assert.equal(steps.length, 1, 'one zipDeploy step in teamsapp.yml');
  const step = steps[0]!;
  const ig = ignore().add('.deployment');
  for (const line of read(path.normalize(step.with!.ignoreFile!)).split('\n')) {
    ig.add(line.trim());
  }
  return { step, zipped: (file) => !ig.ignores(file) };
}

describe('deployment runtime (engines, linuxFxVersion, the deploy step)', () => {
  it('the web app runs a Node.js LTS line with upstream support (not Node 20)', () => {
    const major = deployedMajor();
    assert.ok(major in SUPPORTED_LTS, `NODE|${major}-lts is not a supported LTS line (${Object.keys(SUPPORTED_LTS).join(', ')})`);
  });

  it('package.json `engines` admits that whole release line, and Node 20.19 for local development and CI', () => {
    const major = deployedMajor();
    const engines = PACKAGE.engines.node;
    assert.ok(semver.subset(`^${major}.0.0`, engines), `engines.node "${engines}" must admit every Node ${major}.x (App Service patches within the line)`);
    assert.ok(semver.satisfies('20.19.0', engines), `engines.node "${engines}" must still admit Node 20.19 (this machine and CI)`);
    assert.ok(semver.satisfies(process.versions.node, engines), `this Node.js ${process.versions.node} is outside engines.node "${engines}"`);
    // restify 11 (spdy → http-deceiver) crashes at start-up on Node 24: engines must not promise it (docs/DEPLOYMENT.md "Runtime").
    assert.equal(semver.satisfies('24.0.0', engines), false, `engines.node "${engines}" admits Node 24, where restify 11 crashes`);
  });

  it('every production dependency in package-lock.json admits that runtime (.npmrc engine-strict makes npm ci refuse one that does not)', () => {
    const major = deployedMajor();
    assert.match(read('.npmrc'), /^engine-strict=true$/m);
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; engines?: unknown }> };
    const refused = Object.entries(lock.packages)
      .filter(([key, entry]) => key !== '' && entry.dev !== true && typeof (entry.engines as { node?: unknown } | undefined)?.node === 'string')
      .map(([key, entry]) => [key.replace(/^node_modules\//, ''), (entry.engines as { node: string }).node] as const)
      .filter(([, range]) => !semver.subset(`^${major}.0.0`, range, { loose: true }));
    assert.deepEqual(refused, [], `production dependencies whose engines refuse Node ${major}`);
  });

  it('no production dependency that is known not to load on that runtime (engines do not say it)', () => {
    /** Packages whose `engines` admit a Node.js line they crash on, from the first such major. */
    const BROKEN_FROM: Record<string, { major: number; why: string }> = {
      'http-deceiver': {
        major: 24,
        why: "reads process.binding('http_parser'), which Node 24 removed: restify 11 → spdy → http-deceiver, so the bot would not start (restify issue #1984; restify 12 drops spdy but needs Node 22+)",
      },
    };
    const major = deployedMajor();
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    const production = Object.entries(lock.packages)
      .filter(([key, entry]) => key !== '' && entry.dev !== true)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const broken = production.filter((name) => BROKEN_FROM[name] !== undefined && major >= BROKEN_FROM[name].major);
    assert.deepEqual(
      broken.map((name) => `${name} ${BROKEN_FROM[name]!.why}`),
      [],
      `NODE|${major}-lts`,
    );
  });

  it('the deploy step builds on the target: App Service installs the production dependencies on its own Node.js', () => {
    // Oryx (App Service's build) runs on the web app's linuxFxVersion. CUSTOM_BUILD_COMMAND replaces its default
    // `npm install` + `npm run build`: the zip carries lib/ already built, and no TypeScript compiler.
    assert.equal(appSetting('SCM_DO_BUILD_DURING_DEPLOYMENT'), 'true');
    const build = appSetting('CUSTOM_BUILD_COMMAND') ?? '';
    assert.match(build, /^npm ci\b/, 'exactly the lockfile');
    assert.match(build, /--omit=dev\b/, 'production dependencies only');
    // The install scripts that run are the ones package.json `allowScripts` approves, as npm 11 does here and in CI
    // (the npm of App Service's Node.js may predate allowScripts): none at install, then a rebuild of each approved
    // production package, better-sqlite3 among them (it builds or fetches its binary for the runtime).
    assert.match(build, /^npm ci [^&]*--ignore-scripts\b/);
    const { allowScripts } = JSON.parse(read('package.json')) as { allowScripts: Record<string, boolean> };
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    const approved = Object.keys(allowScripts).filter((name) => allowScripts[name] && lock.packages[`node_modules/${name}`]?.dev !== true);
    assert.ok(approved.includes('better-sqlite3'));
    assert.deepEqual(/&& npm rebuild ([^&]+)$/.exec(build)?.[1]?.trim().split(/\s+/).sort(), approved.sort());
    // A package is mounted as uploaded, with no build: native modules would be the ones built where the zip was made.
    assert.equal(appSetting('WEBSITE_RUN_FROM_PACKAGE'), undefined);
    // The same node command as `npm start` (its V8 flags included), which the governor bench runs under too.
    const start = /&& (node (?:--\S+ )*lib\/index\.js)$/.exec((JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start)?.[1];
    assert.ok(start?.includes('--optimize-for-size'), 'npm start keeps the heap small');
    assert.equal(/^\s*appCommandLine: '([^']+)'$/m.exec(BICEP)?.[1], start);
  });

  it('the zip holds lib/ (the bot and its admin tools), package.json, package-lock.json and .npmrc, and no node_modules', () => {
    const { step, zipped } = zipFilter();
    assert.equal(step.with!.artifactFolder, '.');
    for (const file of ['lib/index.js', 'lib/cli/doctor.js', 'lib/cli/audit-export.js', 'lib/store/sqlite.js', 'package.json', 'package-lock.json', '.npmrc']) {
      assert.ok(zipped(file), `${file} must be in the zip`);
    }
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node', // built for this machine's Node.js
      'node_modules/better-sqlite3/package.json',
      'node_modules/tsx/dist/cli.mjs',
      'node_modules/.bin/tsc',
      'lib/index.js.map',
      'src/cli/doctor.ts',
      'scripts/dev.ts',
      // The local demo (npm run dev): the manager's Playground and its configuration, the README's pictures.
      'scripts/lib/playground.ts',
      '.m365agentsplayground.yml',
      'docs/images/2-approval-as-manager.png',
      'test/config.test.ts',
      'env/.env.dev',
      'env/.env.dev.user',
      '.localConfigs',
      'data/offboarding.db',
      'appPackage/build/appPackage.dev.zip',
    ]) {
      assert.ok(!zipped(file), `${file} must not be in the zip`);
    }
  });

  it('of the files in git, only package.json, package-lock.json and .npmrc go into the zip (the rest is source or tooling)', function () {
    let tracked: string[];
    try {
      tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      this.skip(); // not a git checkout
    }
    const { zipped } = zipFilter();
    assert.deepEqual(
      tracked.filter(zipped).sort(),
      ['.npmrc', 'package-lock.json', 'package.json'],
      'a new file that the bot does not need at run time belongs in infra/.webappignore',
    );
  });

  it('lib/ is what tsconfig.build.json compiles from src/ (the zip and appCommandLine rely on it)', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string }; include: string[] };
    assert.equal(build.compilerOptions.rootDir, 'src');
    assert.equal(build.compilerOptions.outDir, 'lib');
    assert.deepEqual(build.include, ['src']);
  });
});
