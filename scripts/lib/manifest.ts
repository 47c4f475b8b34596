// Validates appPackage/ the way the Microsoft 365 Agents Toolkit (Teams Toolkit) does before it zips it,
// but offline: `${{VAR}}` placeholders are filled from an env file, the manifest is checked against the
// official JSON schema bundled in @microsoft/app-manifest (the version its `$schema` names), and the icons
// are checked: color.png 192×192, outline.png 32×32 with only white or transparent pixels. And one rule of this
// project: webApplicationInfo.id for the app's self-install, and a resource only where an app registration exists.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ManifestUtil, type TeamsAppManifest } from '@microsoft/app-manifest';
import type { JSONSchemaType } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { EnvValues } from './env-file';
import { decodePng, readPngHeader, type DecodedPng } from './png';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_MANIFEST = path.join(REPO_ROOT, 'appPackage', 'manifest.json');
export const DEFAULT_ENV_FILE = path.join(REPO_ROOT, 'env', '.env.local');
export const DEFAULT_PROJECT_FILE = path.join(REPO_ROOT, 'teamsapp.yml');

/** Where @microsoft/app-manifest keeps the official Teams schemas, one folder per version (v1.19, v1.22, ...). */
export const BUNDLED_SCHEMAS = path.join(
  path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build',
  'json-schemas',
  'teams',
);

// ---- placeholders ----------------------------------------------------------------------------------

/** The toolkit's placeholder syntax: `${{NAME}}`, spaces allowed inside the braces. */
const PLACEHOLDER = /\$\{\{ *([a-zA-Z_][a-zA-Z0-9_]*) *\}\}/g;

export interface Expansion {
  text: string;
  /** Names whose placeholders are still in `text`, in order of first use. */
  unresolved: string[];
}

/**
 * Replaces `${{NAME}}` with env values as the toolkit's expandEnvironmentVariable does: an empty or missing
 * value leaves the placeholder in place (the toolkit then refuses the manifest), except APP_NAME_SUFFIX,
 * which is substituted whenever it is defined, even as the empty string.
 */
export function expandPlaceholders(text: string, env: EnvValues): Expansion {
  const unresolved = new Set<string>();
  const expanded = text.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = env[name];
    if (value !== undefined && (value !== '' || name === 'APP_NAME_SUFFIX')) {
      return value;
    }
    unresolved.add(name);
    return placeholder;
  });
  return { text: expanded, unresolved: [...unresolved] };
}

/**
 * A schema-valid stand-in for a variable the toolkit fills during provisioning (BOT_ID, BOT_DOMAIN, ...),
 * so that a manifest can be checked before the first provision.
 */
export function standInValue(name: string): string {
  if (name.endsWith('_ID')) {
    return '00000000-0000-0000-0000-000000000000';
  }
  if (name.endsWith('_DOMAIN')) {
    return 'offboarding.example.com';
  }
  if (name.endsWith('_ENDPOINT') || name.endsWith('_URL')) {
    return 'https://offboarding.example.com';
  }
  return 'stand-in';
}

// ---- schema ----------------------------------------------------------------------------------------

const SCHEMA_URL =
  /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}-[a-z]{2}\/)?json-schemas\/teams\/v(\d+\.\d+|DevPreview)\/MicrosoftTeams\.schema\.json$/;

/** The schema folder name (`v1.22`, `vDevPreview`) a manifest's `$schema` URL names, or an error. */
export function schemaVersionOf(manifest: Record<string, unknown>): { version?: string; error?: string } {
  const url = manifest.$schema;
  const match = typeof url === 'string' ? SCHEMA_URL.exec(url) : null;
  if (match === null) {
    return { error: `$schema must be the official Teams schema URL (.../json-schemas/teams/v1.xx/MicrosoftTeams.schema.json); got ${JSON.stringify(url)}` };
  }
  const version = match[1]!;
  const declared = version === 'DevPreview' ? 'devPreview' : version;
  if (manifest.manifestVersion !== declared) {
    return { error: `manifestVersion ${JSON.stringify(manifest.manifestVersion)} does not match the $schema URL (v${version})` };
  }
  return { version: `v${version}` };
}

/**
 * Loads a bundled schema. Some published schemas contain the regex escape `\a`, which is not valid JSON;
 * @microsoft/app-manifest's own fetchSchema rewrites it to `\x07` before parsing, and so does this.
 */
export function loadBundledSchema(version: string): Record<string, unknown> {
  const file = path.join(BUNDLED_SCHEMAS, version, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) {
    throw new Error(`schema ${version} is not bundled in @microsoft/app-manifest (looked for ${file})`);
  }
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\x07')) as Record<string, unknown>;
}

/** Schema errors (`<path> <message>. Details: ...`), empty when the manifest conforms. */
export async function schemaErrors(manifest: Record<string, unknown>): Promise<string[]> {
  const { version, error } = schemaVersionOf(manifest);
  if (version === undefined) {
    return [error!];
  }
  const schema = loadBundledSchema(version) as unknown as JSONSchemaType<TeamsAppManifest>;
  const errors = await ManifestUtil.validateManifestAgainstSchema(manifest as unknown as TeamsAppManifest, schema);
  return errors.map((e) => `schema ${version}: ${e.trim()}`);
}

// ---- icons -----------------------------------------------------------------------------------------

/** Teams' required icon sizes (square). */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** A pixel is allowed in the outline icon when it is fully transparent or pure white (any alpha). */
export function nonWhitePixels(image: DecodedPng): { count: number; first?: { x: number; y: number; rgba: number[] } } {
  let count = 0;
  let first: { x: number; y: number; rgba: number[] } | undefined;
  for (let i = 0; i < image.width * image.height; i++) {
    const [r, g, b, a] = image.rgba.subarray(i * 4, i * 4 + 4);
    if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) {
      count++;
      first ??= { x: i % image.width, y: Math.floor(i / image.width), rgba: [r!, g!, b!, a!] };
    }
  }
  return { count, first };
}

function iconErrors(kind: keyof typeof ICON_SIZES, file: string): string[] {
  const size = ICON_SIZES[kind];
  const name = `icons.${kind} (${path.basename(file)})`;
  if (!existsSync(file)) {
    return [`${name}: file not found at ${file}`];
  }
  try {
    const png = readFileSync(file);
    const header = readPngHeader(png);
    const errors: string[] = [];
    if (header.width !== size || header.height !== size) {
      errors.push(`${name}: must be ${size}×${size} pixels; it is ${header.width}×${header.height}`);
    }
    if (kind === 'outline') {
      const { count, first } = nonWhitePixels(decodePng(png));
      if (first !== undefined) {
        errors.push(
          `${name}: must be white on a transparent background; ${count} pixel(s) have another colour, ` +
            `the first at (${first.x},${first.y}) rgba(${first.rgba.join(',')})`,
        );
      }
    }
    return errors;
  } catch (e) {
    return [`${name}: ${(e as Error).message}`];
  }
}

/** Checks the icons a manifest names, resolved against the manifest's folder. */
export function checkIcons(manifest: Record<string, unknown>, manifestDir: string): string[] {
  const icons = manifest.icons as Partial<Record<keyof typeof ICON_SIZES, unknown>> | undefined;
  const errors: string[] = [];
  for (const kind of Object.keys(ICON_SIZES) as (keyof typeof ICON_SIZES)[]) {
    const file = icons?.[kind];
    if (typeof file === 'string') {
      errors.push(...iconErrors(kind, path.resolve(manifestDir, file)));
    }
  }
  return errors;
}

// ---- app registration ------------------------------------------------------------------------------

/** Toolkit actions that create an Entra app registration (aadApp/create; botAadApp/create for a bot's own). */
const APP_REGISTRATION_ACTIONS = ['aadApp/create', 'botAadApp/create'];

/** The actions of a toolkit project file (teamsapp.yml) that create an Entra app registration, in order. */
export function appRegistrationActions(projectFileText: string): string[] {
  const project = parseYaml(projectFileText) as { provision?: Array<{ uses?: unknown }> } | null;
  return (project?.provision ?? [])
    .map((step) => step.uses)
    .filter((uses): uses is string => typeof uses === 'string' && APP_REGISTRATION_ACTIONS.includes(uses));
}

/**
 * `webApplicationInfo.id` names the Entra identity of the app. Teams requires it for the bot's one write before
 * approval: installing itself for an approver with TeamsAppInstallation.ReadWriteSelfForUser.All ("To use these
 * permissions, you must add a webApplicationInfo key to your app manifest … id: your Microsoft Entra app ID" — Teams
 * docs, proactive installation). Here that identity is the user-assigned managed identity (BOT_ID, also the Graph
 * credential's AZURE_CLIENT_ID). `resource` is an app registration's Application ID URI (`api://…`), for Teams single
 * sign-on: a managed identity exposes none, so it may appear only when the project file creates an app registration.
 */
export function webApplicationInfoErrors(manifest: Record<string, unknown>, projectFileText: string): string[] {
  const info = manifest.webApplicationInfo as { id?: unknown; resource?: unknown } | undefined;
  if (info === undefined) {
    return ['webApplicationInfo is missing: Teams requires its id (the app\'s Entra identity, ${{BOT_ID}}) for the app to install itself for an approver (TeamsAppInstallation.ReadWriteSelfForUser.All)'];
  }
  if (info.resource !== undefined && appRegistrationActions(projectFileText).length === 0) {
    return [
      'webApplicationInfo.resource names an app registration\'s Application ID URI, but the project file creates none (no aadApp/create or botAadApp/create ' +
        'in provision: the bot is a managed identity): keep only webApplicationInfo.id',
    ];
  }
  return [];
}

// ---- the whole package -----------------------------------------------------------------------------

export interface ValidationOptions {
  /** Default: appPackage/manifest.json. Icons are looked up next to it. */
  manifestPath?: string;
  /** Values for `${{VAR}}` placeholders. */
  env: EnvValues;
  /**
   * true: an unresolved placeholder is an error, as in the toolkit's teamsApp/validateManifest.
   * false (default): it is a warning, and a schema-valid stand-in is used so the rest can still be checked.
   */
  strict?: boolean;
  /** The toolkit project file whose provision the manifest is checked against (default: teamsapp.yml). */
  projectFile?: string;
}

export interface ValidationResult {
  errors: string[];
  warnings: string[];
  /** The manifest after substitution, when it parsed. */
  manifest?: Record<string, unknown>;
}

/** Schema and icon checks of an already-substituted manifest. */
export async function validateManifest(manifest: Record<string, unknown>, manifestDir: string): Promise<string[]> {
  return [...(await schemaErrors(manifest)), ...checkIcons(manifest, manifestDir)];
}

/** Loads the manifest, fills its placeholders from `env`, and runs every check. */
export async function validateAppPackage(options: ValidationOptions): Promise<ValidationResult> {
  const manifestPath = options.manifestPath ?? DEFAULT_MANIFEST;
  const errors: string[] = [];
  const warnings: string[] = [];

  const { text, unresolved } = expandPlaceholders(readFileSync(manifestPath, 'utf8'), options.env);
  let substituted = text;
  if (unresolved.length > 0) {
    if (options.strict === true) {
      errors.push(`The following environment variables are not defined: ${unresolved.join(', ')}.`);
    } else {
      warnings.push(
        `not set, checked with stand-in values (the toolkit fills them at provision; --strict makes this an error): ${unresolved.join(', ')}`,
      );
      substituted = expandPlaceholders(text, Object.fromEntries(unresolved.map((n) => [n, standInValue(n)]))).text;
    }
  }

  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(substituted) as Record<string, unknown>;
  } catch (e) {
    return { errors: [...errors, `${manifestPath}: not valid JSON after substitution: ${(e as Error).message}`], warnings };
  }
  errors.push(...(await validateManifest(manifest, path.dirname(manifestPath))));
  errors.push(...webApplicationInfoErrors(manifest, readFileSync(options.projectFile ?? DEFAULT_PROJECT_FILE, 'utf8')));
  return { errors, warnings, manifest };
}
