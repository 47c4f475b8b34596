// The Playground's mock people must be the simulated tenant's people, or what is typed there resolves to nobody.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import seed from '../../src/simulator/seed/tenant.json';
import { DEFAULT_PLAYGROUND_CONFIG, writePlaygroundConfigAs } from '../../scripts/lib/playground';

interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
}

describe('.m365agentsplayground.yml', () => {
  const config = YAML.parse(fs.readFileSync(DEFAULT_PLAYGROUND_CONFIG, 'utf8')) as { tenantId: string; currentUser: PlaygroundUser; users: PlaygroundUser[] };
  const seedUsers = new Map(seed.users.map((u) => [u.id, u]));

  it('is in the simulated tenant', () => {
    assert.equal(config.tenantId, seed.tenant.id);
  });

  it('signs in as the operator persona', () => {
    assert.equal(config.currentUser.aadObjectId, seed.personas.operator);
  });

  it('names every person with their simulated directory id, name and UPN', () => {
    for (const user of [config.currentUser, ...config.users]) {
      const directory = seedUsers.get(user.aadObjectId);
      assert.ok(directory, `${user.name} (${user.aadObjectId}) is not in the seed`);
      assert.equal(user.name, directory.displayName);
      assert.equal(user.userPrincipleName, directory.userPrincipalName);
    }
    assert.ok(config.users.some((u) => u.aadObjectId === seed.personas.janeManager), "Jane's manager is there to approve");
  });

  describe("the manager's Playground (npm run dev, the e2e test)", () => {
    const file = writePlaygroundConfigAs(seed.personas.janeManager);
    const manager = YAML.parse(fs.readFileSync(file, 'utf8')) as typeof config & { personalChat: { id: string } };
    after(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

    it("signs in as Jane Doe's manager, with a personal chat of his own", () => {
      assert.equal(manager.currentUser.aadObjectId, seed.personas.janeManager);
      assert.equal(manager.currentUser.name, 'Marcus Reed');
      assert.equal(manager.personalChat.id, 'a:personal-marcus-reed');
    });

    it('has the same tenant, bot, team and people, the operator among them', () => {
      const { currentUser: _a, users: _b, personalChat: _c, ...rest } = manager;
      const { currentUser: _d, users: _e, personalChat: _f, ...original } = config as typeof manager;
      assert.deepEqual(rest, original);
      const everyone = (c: typeof config) => [c.currentUser, ...c.users].map((u) => u.aadObjectId).sort();
      assert.deepEqual(everyone(manager), everyone(config));
      assert.ok(manager.users.some((u) => u.aadObjectId === seed.personas.operator));
    });

    it('refuses someone who is not one of the Playground people', () => {
      assert.throws(() => writePlaygroundConfigAs(seed.personas.protectedUser), /is not one of the Playground's people/);
    });
  });
});
