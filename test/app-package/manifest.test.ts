// The Teams app package: the real manifest must pass the official schema, the validator must be able to
// fail, and the icons must have Teams' sizes and colours (and match what scripts/make-icons.mjs draws).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { loadEnvFile, parseEnvFile } from '../../scripts/lib/env-file';
import {
  appRegistrationActions,
  DEFAULT_ENV_FILE,
  DEFAULT_MANIFEST,
  REPO_ROOT,
  expandPlaceholders,
  schemaVersionOf,
  validateAppPackage,
  validateManifest,
} from '../../scripts/lib/manifest';
import { decodePng, readPngHeader } from '../../scripts/lib/png';

const APP_PACKAGE = path.dirname(DEFAULT_MANIFEST);
const LOCAL_APP_ID = '6f1a1f0e-5b8a-4c1e-9d61-0ffb0a7d1e01';
/** What provisioning would write: a bot (managed identity) client id and the App Service host name. */
const PROVISIONED = { BOT_ID: '3b0d6c1e-2a4f-4f7e-9c1d-5e6f7a8b9c0d', BOT_DOMAIN: 'offboarding-dev.azurewebsites.net' };

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'app-package-'));
}

/** A copy of appPackage/ in a temp folder, with the manifest optionally changed and icons optionally swapped. */
function copyPackage(dir: string, edit: (manifest: Record<string, unknown>) => void, icons = { color: 'color.png', outline: 'outline.png' }): string {
  const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  const manifestPath = path.join(dir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  copyFileSync(path.join(APP_PACKAGE, icons.color), path.join(dir, 'color.png'));
  copyFileSync(path.join(APP_PACKAGE, icons.outline), path.join(dir, 'outline.png'));
  return manifestPath;
}

/** The filter type byte of every scanline of a PNG (to show the decoder met each of them). */
function filterTypes(png: Buffer): Set<number> {
  const { width, height, colorType } = readPngHeader(png);
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const length = png.readUInt32BE(o);
    if (png.toString('latin1', o + 4, o + 8) === 'IDAT') {
      idat.push(png.subarray(o + 8, o + 8 + length));
    }
    o += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * (colorType === 6 ? 4 : 3) + 1;
  return new Set(Array.from({ length: height }, (_, y) => raw[y * stride]!));
}

/** A minimal PNG from raw scanlines (each starting with its filter byte), for formats the icons do not use. */
function png(width: number, height: number, bitDepth: number, colorType: number, rows: number[][], extra: [string, number[]][] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const parts: [string, Buffer][] = [['IHDR', ihdr], ...extra.map(([t, d]): [string, Buffer] => [t, Buffer.from(d)]), ['IDAT', deflateSync(Buffer.from(rows.flat()))], ['IEND', Buffer.alloc(0)]];
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ...parts.map(([type, data]) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(body.length + 8);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), body.length + 4);
      return out;
    }),
  ]);
}

describe('app package', () => {
  describe('manifest', () => {
    it('passes the official schema it names, with the local env and provisioned values (strict)', async () => {
      const env = { ...loadEnvFile(DEFAULT_ENV_FILE), ...PROVISIONED };
      const result = await validateAppPackage({ env, strict: true });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.warnings, []);
      assert.equal(result.manifest?.id, LOCAL_APP_ID);
      assert.equal(result.manifest?.manifestVersion, '1.22');
      assert.deepEqual(schemaVersionOf(result.manifest), { version: 'v1.22' });
    });

    it('declares the bot the way the product needs it', async () => {
      const { manifest } = await validateAppPackage({ env: PROVISIONED });
      const bot = (manifest!.bots as Record<string, unknown>[])[0]!;
      assert.equal(bot.botId, PROVISIONED.BOT_ID);
      assert.deepEqual(bot.scopes, ['personal', 'team', 'groupChat']);
      assert.equal(bot.supportsFiles, true, "a leavers CSV in the 1:1 chat (Teams file support, personal scope)");
      const lists = bot.commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[];
      assert.deepEqual(lists.map((l) => l.scopes), [['personal'], ['team'], ['groupChat']]);
      for (const list of lists) {
        assert.deepEqual(list.commands.map((c) => c.title), ['help', 'offboard', 'status', 'cancel', 'close', 'reinstate', 'doctor']);
      }
      assert.deepEqual(manifest!.validDomains, [PROVISIONED.BOT_DOMAIN]);
    });

    it('names the app\'s Entra identity in webApplicationInfo.id (needed to install itself for an approver), with no SSO resource: no app registration is provisioned', async () => {
      const { manifest, errors } = await validateAppPackage({ env: PROVISIONED });
      assert.deepEqual(errors, []);
      assert.deepEqual(manifest!.webApplicationInfo, { id: PROVISIONED.BOT_ID });
      for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
        assert.deepEqual(appRegistrationActions(readFileSync(path.join(REPO_ROOT, file), 'utf8')), [], file);
      }
    });

    it('refuses a webApplicationInfo resource unless the project file creates the app registration it names, and a missing webApplicationInfo', async () => {
      const dir = tempDir();
      try {
        const env = { TEAMS_APP_ID: LOCAL_APP_ID, ...PROVISIONED };
        const missing = copyPackage(dir, (m) => {
          delete m.webApplicationInfo;
        });
        assert.match((await validateAppPackage({ manifestPath: missing, env })).errors.join(), /webApplicationInfo is missing: Teams requires its id/);
        const manifestPath = copyPackage(dir, (m) => {
          m.webApplicationInfo = { id: '${{BOT_ID}}', resource: 'api://botid-${{BOT_ID}}' };
        });
        const refused = await validateAppPackage({ manifestPath, env });
        assert.deepEqual(refused.errors, [
          "webApplicationInfo.resource names an app registration's Application ID URI, but the project file creates none (no aadApp/create or botAadApp/create " +
            'in provision: the bot is a managed identity): keep only webApplicationInfo.id',
        ]);
        // A project that registers an Entra app (the toolkit's SSO templates) may name it.
        const projectFile = path.join(dir, 'teamsapp.yml');
        writeFileSync(projectFile, 'version: v1.7\nprovision:\n  - uses: teamsApp/create\n  - uses: aadApp/create\n    with:\n      name: x\n');
        assert.deepEqual((await validateAppPackage({ manifestPath, env, projectFile })).errors, []);
        assert.deepEqual(appRegistrationActions('version: v1.7\n'), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports unresolved placeholders: an error when strict, stand-ins and a warning otherwise', async () => {
      const env = loadEnvFile(DEFAULT_ENV_FILE); // BOT_ID and BOT_DOMAIN are empty there
      const strict = await validateAppPackage({ env, strict: true });
      assert.match(strict.errors[0]!, /not defined: BOT_ID, BOT_DOMAIN/);
      const lenient = await validateAppPackage({ env });
      assert.deepEqual(lenient.errors, []);
      assert.match(lenient.warnings[0]!, /BOT_ID, BOT_DOMAIN/);
    });

    it('rejects a copy without a required field', async () => {
      const dir = tempDir();
      try {
        const manifestPath = copyPackage(dir, (m) => {
          delete m.developer;
          delete m.accentColor;
        });
        const { errors } = await validateAppPackage({ manifestPath, env: { ...parseEnvFile(`TEAMS_APP_ID=${LOCAL_APP_ID}`), ...PROVISIONED } });
        assert.ok(errors.some((e) => /required property 'developer'/.test(e)), errors.join('\n'));
        assert.ok(errors.some((e) => /required property 'accentColor'/.test(e)), errors.join('\n'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects a $schema URL that does not match manifestVersion, and a schema that is not bundled', async () => {
      const mismatch = await validateManifest({ $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json', manifestVersion: '1.22' }, APP_PACKAGE);
      assert.match(mismatch[0]!, /does not match the \$schema URL/);
      await assert.rejects(
        validateManifest({ $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.99/MicrosoftTeams.schema.json', manifestVersion: '1.99' }, APP_PACKAGE),
        /not bundled/,
      );
    });

    it('substitutes placeholders like the toolkit (empty means unset, except APP_NAME_SUFFIX)', () => {
      const text = '${{A}} ${{ B }} ${{APP_NAME_SUFFIX}} ${{A}}';
      assert.deepEqual(expandPlaceholders(text, { A: 'x', B: '', APP_NAME_SUFFIX: '' }), { text: 'x ${{ B }}  x', unresolved: ['B'] });
      assert.deepEqual(expandPlaceholders(text, {}).unresolved, ['A', 'B', 'APP_NAME_SUFFIX']);
    });
  });

  describe('env files', () => {
    it('parses dotenv syntax: comments, quotes, export', () => {
      const env = parseEnvFile('# c\nA=1\nexport B = two # note\nC="q # kept"\nD=\'s\'\n\nE=\nbad line\n');
      assert.deepEqual(env, { A: '1', B: 'two', C: 'q # kept', D: 's', E: '' });
    });

    it('env/.env.local sets the local manifest id and leaves BOT_ID empty', () => {
      const env = loadEnvFile(DEFAULT_ENV_FILE);
      assert.equal(env.TEAMS_APP_ID, LOCAL_APP_ID);
      assert.equal(env.BOT_ID, '');
    });
  });

  describe('icons', () => {
    it('color.png is 192×192 and outline.png is 32×32', () => {
      const color = readPngHeader(readFileSync(path.join(APP_PACKAGE, 'color.png')));
      const outline = readPngHeader(readFileSync(path.join(APP_PACKAGE, 'outline.png')));
      assert.deepEqual([color.width, color.height], [192, 192]);
      assert.deepEqual([outline.width, outline.height], [32, 32]);
    });

    it('decode: outline is white on transparent, color is opaque with the accent background', async () => {
      const outlinePng = readFileSync(path.join(APP_PACKAGE, 'outline.png'));
      const colorPng = readFileSync(path.join(APP_PACKAGE, 'color.png'));
      // Between them the two files use every scanline filter, so the decoder is exercised on all five.
      assert.deepEqual(new Set([...filterTypes(outlinePng), ...filterTypes(colorPng)]), new Set([0, 1, 2, 3, 4]));

      const outline = decodePng(outlinePng);
      const alphas = new Set<number>();
      for (let i = 0; i < outline.rgba.length; i += 4) {
        alphas.add(outline.rgba[i + 3]!);
        if (outline.rgba[i + 3]! > 0) {
          assert.deepEqual([...outline.rgba.subarray(i, i + 3)], [255, 255, 255]);
        }
      }
      assert.ok(alphas.has(0) && alphas.has(255), 'outline has both transparent and solid pixels');

      const color = decodePng(colorPng);
      const { manifest } = await validateAppPackage({ env: PROVISIONED });
      const accent = String(manifest!.accentColor);
      const rgb = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16));
      assert.deepEqual([...color.rgba.subarray(0, 4)], [...rgb, 255], 'corner pixel is the accent colour');
      for (let i = 3; i < color.rgba.length; i += 4) {
        assert.equal(color.rgba[i], 255);
      }
    });

    it('decodes palette, grey, 16-bit and colour-key PNGs, and refuses corrupt ones', () => {
      // 2×1 palette, 2 bits per index: white (opaque), black (transparent through tRNS).
      const palette = decodePng(png(2, 1, 2, 3, [[0, 0b00010000]], [['PLTE', [255, 255, 255, 0, 0, 0]], ['tRNS', [255, 0]]]));
      assert.deepEqual([...palette.rgba], [255, 255, 255, 255, 0, 0, 0, 0]);
      // 1×2 grey + alpha, second row filtered with Up (2): 200 + 10 = 210 grey, 0 + 128 alpha.
      const grey = decodePng(png(1, 2, 8, 4, [[0, 200, 0], [2, 10, 128]]));
      assert.deepEqual([...grey.rgba], [200, 200, 200, 0, 210, 210, 210, 128]);
      // 2×1 RGB, 16 bits per sample: the high bytes are kept; the tRNS colour key hides the first pixel only.
      const deep = decodePng(png(2, 1, 16, 2, [[0, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 7]], [['tRNS', [1, 2, 3, 4, 5, 6]]]));
      assert.deepEqual([...deep.rgba], [1, 3, 5, 0, 1, 3, 5, 255]);
      const corrupt = png(1, 1, 8, 6, [[0, 255, 255, 255, 255]]);
      const inIdat = corrupt.length - 20; // a byte of IDAT's data: its CRC no longer matches
      corrupt.writeUInt8(corrupt.readUInt8(inIdat) ^ 0xff, inIdat);
      assert.throws(() => decodePng(corrupt), /CRC mismatch/);
      assert.throws(() => readPngHeader(Buffer.from('GIF89a')), /not a PNG/);
      assert.throws(() => decodePng(png(1, 1, 8, 6, [[7, 0, 0, 0, 0]])), /unknown filter type 7/);
    });

    it('rejects icons of the wrong size, and an outline icon with colour', async () => {
      const dir = tempDir();
      try {
        const manifestPath = copyPackage(dir, () => undefined, { color: 'outline.png', outline: 'color.png' });
        const { errors } = await validateAppPackage({ manifestPath, env: { TEAMS_APP_ID: LOCAL_APP_ID, ...PROVISIONED } });
        assert.ok(errors.some((e) => /icons\.color .*must be 192×192 pixels; it is 32×32/.test(e)), errors.join('\n'));
        assert.ok(errors.some((e) => /icons\.outline .*must be 32×32 pixels; it is 192×192/.test(e)), errors.join('\n'));
        assert.ok(errors.some((e) => /icons\.outline .*must be white on a transparent background/.test(e)), errors.join('\n'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('are what scripts/make-icons.mjs draws', () => {
      const dir = tempDir();
      try {
        execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'make-icons.mjs'), '--out', dir]);
        // Pixels, not bytes: another zlib build may compress the same pixels differently.
        for (const name of ['color.png', 'outline.png']) {
          const made = decodePng(readFileSync(path.join(dir, name)));
          const committed = decodePng(readFileSync(path.join(APP_PACKAGE, name)));
          assert.deepEqual([made.width, made.height], [committed.width, committed.height]);
          assert.ok(Buffer.from(made.rgba).equals(Buffer.from(committed.rgba)), `${name} differs: run node scripts/make-icons.mjs`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('npm run validate:manifest', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'validate-manifest.ts'), ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, BOT_ID: '', BOT_DOMAIN: '' },
      });

    it('exits 0 on the committed package and 1 with the errors listed when --strict finds unset values', () => {
      const ok = run();
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /valid \(schema 1\.22, icons ok\)/);
      const strict = run('--strict');
      assert.equal(strict.status, 1);
      assert.match(strict.stderr, /not defined: BOT_ID, BOT_DOMAIN/);
      const provisioned = run('--strict', '--set', `BOT_ID=${PROVISIONED.BOT_ID}`, '--set', `BOT_DOMAIN=${PROVISIONED.BOT_DOMAIN}`);
      assert.equal(provisioned.status, 0, provisioned.stderr);
    });
  });
});
