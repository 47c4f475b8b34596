// Directory reads against the simulated tenant: the approvers group is filtered before it is cut to size, and the
// app install binds the catalog app by its documented absolute URL.
import assert from 'node:assert/strict';
import { Directory } from '../../src/offboarding/directory';
import { useTenant } from '../m365/helpers';

describe('directory', () => {
  const sim = useTenant();

  it('group users: the first `limit` that pass the filter, not the first `limit` filtered afterwards', async () => {
    const all = await new Directory(sim.graph()).groupUsers(sim.tenant.groups.approversGroupId, 100);
    assert.ok(all.length >= 2, `${all.length} approvers`);
    const skipFirst = await new Directory(sim.graph()).groupUsers(sim.tenant.groups.approversGroupId, 1, (u) => u.id !== all[0]!.id);
    assert.deepEqual(skipFirst.map((u) => u.id), [all[1]!.id]);
  });

  it('installs the app by its catalog id, bound by its documented absolute URL; 409 means already installed', async () => {
    const directory = new Directory(sim.graph());
    const user = sim.P.approver2!;
    assert.equal(await directory.installApp(user, sim.tenant.teamsAppId), 'installed');
    const post = sim.tenant.requestLog().find((e) => e.method === 'POST' && e.path.endsWith('/teamwork/installedApps'))!;
    assert.match(JSON.stringify(post.body), /"teamsApp@odata.bind":"https:\/\/graph\.microsoft\.com\/v1\.0\/appCatalogs\/teamsApps\//);
    assert.equal(await directory.installApp(user, sim.tenant.teamsAppId), 'already installed');
  });
});
