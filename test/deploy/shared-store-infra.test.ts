// The shared store as deployed: infra/azure.bicep gives the managed identity the two data roles on the storage account,
// points the app at that account (no SQLite on /home), and runs two or more instances; docs/DEPLOYMENT.md and the README
// say the same, with the names the app derives from its configuration (src/config.ts). Nothing here reaches Azure: it
// reads the files as the toolkit would (there is no Bicep CLI here, so the template is read as text).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const BICEP = read('infra/azure.bicep');
const GUIDE = read('docs/DEPLOYMENT.md');
const README = read('README.md');

/** Built-in role definition ids (Azure's documentation, "Azure built-in roles: Storage"). */
const ROLES = {
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
};

/** The body of each `resource <name> '<type>@<version>' = { ... }` at the top level of the template. */
function resources(type: string): Array<{ name: string; body: string }> {
  return [...BICEP.matchAll(/^resource (\w+) '([^'@]+)@[^']+' = \{\n([\s\S]*?)^\}/gm)].filter((m) => m[2] === type).map((m) => ({ name: m[1]!, body: m[3]! }));
}

/** A parameter's declaration: its type, its default (as written) and its decorators (the lines above it, up to a blank one). */
function param(name: string): { type: string; default: string; decorators: string } {
  const m = new RegExp(`^param ${name} (\\w+)(?: = (.+))?$`, 'm').exec(BICEP);
  assert.ok(m, `no param ${name}`);
  const above = BICEP.slice(0, m.index);
  return { type: m[1]!, default: m[2]!, decorators: above.slice(above.lastIndexOf('\n\n') + 2) };
}

/** The web app's settings, name → value as written (a quoted literal, or an expression such as `storage.name`). */
function appSettings(): Map<string, string> {
  const block = /appSettings: \[\n([\s\S]*?)\n {6}\]/.exec(BICEP);
  assert.ok(block, 'no appSettings');
  return new Map([...block[1]!.matchAll(/name: '([^']+)'\s*\n\s*value: ([^\n]+?)(?:\s*\/\/.*)?$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

/** The text under a Markdown heading, up to the next heading of the same or a higher level. */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `no "${heading}" heading`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** GitHub's anchor for a heading. */
const slug = (heading: string): string => heading.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-');

const defaults = loadConfig({ AZURE_STORAGE_ACCOUNT_NAME: 'offboardabc123data' });
const prefix = defaults.storage.kind === 'azure' ? defaults.storage.prefix : assert.fail('AZURE_STORAGE_ACCOUNT_NAME selects the Azure store');
const NAMES = [`${prefix}documents`, `${prefix}auditindex`, `${prefix}-documents`, `${prefix}-audit`, `${prefix}-leases`];

describe('the shared store in infra/azure.bicep', () => {
  it('gives the identity Storage Table Data Contributor and Storage Blob Data Contributor, on the storage account only', () => {
    const assignments = resources('Microsoft.Authorization/roleAssignments');
    const roleIds = assignments.map(({ name, body }) => {
      assert.match(body, /^ {2}scope: storage$/m, `${name} is scoped to the storage account`);
      assert.match(body, /^ {4}principalId: identity\.properties\.principalId$/m, name);
      assert.match(body, /^ {4}principalType: 'ServicePrincipal'$/m, name);
      const role = /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)/.exec(body)?.[1];
      assert.ok(role, `${name} names its role through a variable`);
      // A deterministic name: provisioning again finds the same assignment (a new name for the same one fails).
      assert.match(body, new RegExp(`^ {2}name: guid\\(storage\\.id, identity\\.id, ${role}\\)$`, 'm'), name);
      const id = new RegExp(`^var ${role} = '([0-9a-f-]+)'$`, 'm').exec(BICEP)?.[1];
      assert.ok(id, `var ${role}`);
      return id;
    });
    assert.deepEqual(roleIds.sort(), Object.values(ROLES).sort());
    // The blob role keeps the variable (and so the assignment's name) of earlier versions of the template.
    assert.match(BICEP, new RegExp(`^var storageBlobDataContributorRoleId = '${ROLES['Storage Blob Data Contributor']}'$`, 'm'));
    assert.match(BICEP, new RegExp(`^var storageTableDataContributorRoleId = '${ROLES['Storage Table Data Contributor']}'$`, 'm'));
    // The app starts with its settings only once its roles are assigned.
    const webApp = resources('Microsoft.Web/sites')[0]!.body;
    const dependsOn = /^ {2}dependsOn: \[\n([\s\S]*?)\n {2}\]/m.exec(webApp)?.[1]?.split('\n').map((l) => l.trim());
    assert.deepEqual(dependsOn?.sort(), assignments.map((a) => a.name).sort());
  });

  it('the account stays keyless: the identity is the only way in', () => {
    const account = resources('Microsoft.Storage/storageAccounts')[0]!.body;
    assert.match(account, /allowSharedKeyAccess: false/);
    assert.match(account, /allowBlobPublicAccess: false/);
  });

  it('points the app at the account (AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_PREFIX), with no SQLite store on /home', () => {
    const settings = appSettings();
    assert.equal(settings.get('AZURE_STORAGE_ACCOUNT_NAME'), 'storage.name');
    assert.equal(settings.get('AZURE_STORAGE_PREFIX'), 'storagePrefix');
    assert.equal(param('storagePrefix').default, `'${prefix}'`, 'the template and the app default to the same prefix');
    assert.match(param('storagePrefix').decorators, /@maxLength\(20\)/);
    assert.equal(settings.has('AZURE_STORAGE_CONNECTION_STRING'), false, 'no keys');
    for (const name of ['DATA_DIR', 'SQLITE_JOURNAL_MODE']) {
      assert.equal(settings.has(name), false, `${name}: SQLite on the /home share is one instance only`);
    }
    assert.doesNotMatch(BICEP, /\/home\/data/);
    // With the template's settings (the identity's client id, the account), the app selects the Azure store.
    const config = loadConfig({ AZURE_STORAGE_ACCOUNT_NAME: 'offboardabc123data', AZURE_STORAGE_PREFIX: prefix });
    assert.deepEqual(config.storage, { kind: 'azure', accountName: 'offboardabc123data', prefix });
  });

  it('every app setting it sets is one the app reads (or a platform one), so a typo cannot pass unseen', () => {
    const config = read('src/config.ts');
    const platform = ['SCM_DO_BUILD_DURING_DEPLOYMENT', 'CUSTOM_BUILD_COMMAND', 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', 'NODE_ENV'];
    const unknown = [...appSettings().keys()].filter((name) => !platform.includes(name) && !new RegExp(`^\\s+${name}: `, 'm').test(config));
    assert.deepEqual(unknown, []);
  });

  it('runs two or more instances by default, on a plan SKU that can scale out', () => {
    const count = param('instanceCount');
    assert.equal(count.type, 'int');
    assert.ok(Number(count.default) >= 2, `instanceCount defaults to ${count.default}`);
    const plan = resources('Microsoft.Web/serverfarms')[0]!.body;
    assert.match(plan, /^ {4}capacity: instanceCount$/m);
    const sku = param('webAppSKU');
    const allowed = [...(/@allowed\(\[\n([\s\S]*?)\n\]\)/.exec(sku.decorators)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    assert.ok(allowed.length > 0, 'webAppSKU lists its allowed SKUs');
    // Free and Shared plans (F1, D1) run one instance; everything allowed scales out to at least 3.
    assert.deepEqual(allowed.filter((s) => /^(F|D)\d/.test(s)), []);
    assert.ok(allowed.includes(sku.default.replace(/'/g, '')));
    const parameters = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    assert.ok(allowed.includes(parameters.parameters.webAppSKU!.value as string));
    assert.ok((parameters.parameters.instanceCount!.value as number) >= 2);
  });

  it('spreads Teams over the instances (no affinity) and checks each one on /healthz, which the server answers', () => {
    const webApp = resources('Microsoft.Web/sites')[0]!.body;
    assert.match(webApp, /clientAffinityEnabled: false/);
    const probe = /healthCheckPath: '([^']+)'/.exec(webApp)?.[1];
    assert.equal(probe, '/healthz');
    assert.match(read('src/server.ts'), new RegExp(`server\\.get\\('${probe}'`));
  });
});

describe('the shared store in docs/DEPLOYMENT.md and the README', () => {
  const store = section(GUIDE, '## Shared store and scale-out');

  it('the guide no longer says to run one instance on App Service, and links to scale-out from what gets created', () => {
    assert.doesNotMatch(GUIDE, /do not scale out|never scale out/i);
    assert.match(section(GUIDE, '## What gets created'), /\*\*2 instances\*\*[\s\S]*\(#shared-store-and-scale-out\)/);
    for (const heading of ['### What lives where', '### Configuration', '### Roles', '### Scale-out', '### Moving existing data from SQLite', '### The audit log, immutable']) {
      assert.ok(section(store, heading).length > 200, heading);
    }
  });

  it('names the tables and containers the app derives from the prefix, and the roles the template assigns', () => {
    const where = section(store, '### What lives where');
    for (const name of NAMES) {
      assert.ok(where.includes(`\`${name}\``), name);
    }
    const roles = section(store, '### Roles');
    for (const [role, id] of Object.entries(ROLES)) {
      assert.match(roles, new RegExp(`\\*${role}\\* \\| \`${id}\``), role);
    }
  });

  it('the app settings table covers every setting the template sets, and says what replaced DATA_DIR', () => {
    const table = section(GUIDE, '### App settings');
    for (const name of appSettings().keys()) {
      assert.match(table, new RegExp(`\`${name}[\`=]`), name);
    }
    assert.match(table, /`DATA_DIR`, `SQLITE_JOURNAL_MODE`, `RUN_LEASE_SECONDS` \| not set/);
  });

  it('the move from SQLite: the new code first, then stop, copy with store:copy, verify the counts, switch the settings, start', () => {
    const move = section(store, '### Moving existing data from SQLite');
    const order = ['atk deploy', 'az webapp stop', 'npm run store:copy -- --from sqlite --to azure', 'audit:export', 'atk provision', 'az webapp start'].map((s) => move.indexOf(s));
    assert.ok(order.every((i) => i >= 0), JSON.stringify(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'in that order');
  });

  it('the audit container\'s immutability policy allows protected append writes, and says why', () => {
    const immutable = section(store, '### The audit log, immutable');
    const command = /az storage container immutability-policy create [^`]*?(?=\n```)/.exec(immutable)?.[0].replace(/\\\n\s*/g, '');
    assert.ok(command, 'the az command');
    assert.match(command, new RegExp(`--container-name ${prefix}-audit\\b`));
    assert.match(command, /--period \d+/);
    assert.match(command, /--allow-protected-append-writes true\b/);
    assert.match(immutable, /allowProtectedAppendWrites/);
    assert.match(immutable, /Without it, every append to the audit log fails once\s+the policy is set/);
    assert.match(immutable, /\(unverified/);
  });

  it('the README\'s configuration table has each shared-store variable of src/config.ts, with the app\'s defaults', () => {
    const variables = [...read('src/config.ts').matchAll(/^\s+((?:AZURE_STORAGE_\w+)|RUN_LEASE_SECONDS): /gm)].map((m) => m[1]!);
    assert.deepEqual(variables.sort(), ['AZURE_STORAGE_ACCOUNT_NAME', 'AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_PREFIX', 'RUN_LEASE_SECONDS']);
    const table = section(README, '## Configuration');
    const row = (name: string): string[] => {
      const line = table.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      assert.ok(line, `no row for ${name}`);
      return line.split(' | ').map((c) => c.trim());
    };
    for (const name of variables) {
      row(name);
    }
    assert.equal(row('AZURE_STORAGE_PREFIX')[1], `\`${prefix}\``);
    assert.equal(row('RUN_LEASE_SECONDS')[1], `\`${defaults.runLeaseMs / 1000}\``);
    for (const name of NAMES) {
      assert.ok(row('AZURE_STORAGE_PREFIX')[2]!.includes(`\`${name.replace(prefix, '<prefix>')}\``), name);
    }
  });

  it('the README has a short Shared store section that links to the guide\'s', () => {
    const short = section(README, '## Shared store (several instances)');
    const link = /\(docs\/DEPLOYMENT\.md#([^)]+)\)/.exec(short)?.[1];
    assert.equal(link, slug('## Shared store and scale-out'));
    assert.match(short, /npm run store:copy -- --from sqlite --to azure/);
    assert.match(short, /npm run dev -- --azurite/);
  });
});
