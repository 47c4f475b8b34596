// The Playground's mock people must be the simulated tenant's people, or what is typed there resolves to nobody.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import YAML from 'yaml';
import seed from '../../src/simulator/seed/tenant.json';
import { DEFAULT_PLAYGROUND_CONFIG } from '../../scripts/lib/playground';

interface PlaygroundUser {
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
});
