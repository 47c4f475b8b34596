// Users through the real Graph client: find, read, the containment writes and their refusals, delete and restore.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, JANE_UPN } from './helpers';

interface UserList {
  value: Record<string, unknown>[];
  '@odata.count'?: number;
}

describe('simulator Graph: users', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 0 });

  it("finds users with the bot's $filter: startswith on displayName/givenName, eq on UPN and mail", async () => {
    const res = (await sim.client
      .api('/users')
      .filter("startswith(displayName,'jane') or startswith(givenName,'jane') or userPrincipalName eq 'jane' or mail eq 'jane'")
      .select('id,displayName,userPrincipalName')
      .get()) as UserList;
    assert.deepEqual(res.value.map((u) => u.displayName), ['Jane Doe', 'Jane Smith']);
    assert.deepEqual(Object.keys(res.value[0]!).sort(), ['displayName', 'id', 'userPrincipalName']);

    const byUpn = (await sim.client.api('/users').filter(`userPrincipalName eq '${JANE_UPN.toUpperCase()}'`).get()) as UserList;
    assert.deepEqual(byUpn.value.map((u) => u.id), [sim.P.jane]);
    const quoted = (await sim.client.api('/users').filter("startswith(displayName,'Kevin O''B')").select('displayName').get()) as UserList;
    assert.deepEqual(quoted.value, [{ displayName: "Kevin O'Brien" }]);
  });

  it('answers $search only with ConsistencyLevel: eventual, and counts with $count=true', async () => {
    const res = (await sim.client.api('/users').header('ConsistencyLevel', 'eventual').search('"displayName:jane"').count(true).select('id').get()) as UserList;
    assert.equal(res['@odata.count'], 2);
    assert.deepEqual(res.value.map((u) => u.id).sort(), [sim.P.jane, sim.P.secondJane].sort());

    const err = await graphFailure(sim.client.api('/users').search('"displayName:jane"').get());
    assert.equal(err.statusCode, 400);
    assert.match(err.message, /ConsistencyLevel: eventual/);
    const ne = await graphFailure(sim.client.api('/users').filter("displayName ne 'Jane Doe'").get());
    assert.equal(ne.statusCode, 400);
    assert.equal(ne.code, 'Request_UnsupportedQuery');
  });

  it('returns only the default properties without $select, and selected ones with it', async () => {
    const plain = (await sim.client.api(`/users/${JANE_UPN}`).get()) as Record<string, unknown>;
    assert.equal(plain.displayName, 'Jane Doe');
    assert.equal(plain.id, sim.P.jane);
    assert.equal('accountEnabled' in plain, false);
    assert.equal('department' in plain, false);
    const selected = (await sim.client.api(`/users/${sim.P.jane}`).select('accountEnabled,department,onPremisesSyncEnabled,jobTitle').get()) as Record<string, unknown>;
    assert.deepEqual(
      { accountEnabled: selected.accountEnabled, department: selected.department, onPremisesSyncEnabled: selected.onPremisesSyncEnabled, jobTitle: selected.jobTitle },
      { accountEnabled: true, department: 'Sales', onPremisesSyncEnabled: null, jobTitle: 'Senior Account Executive' },
    );
    const bad = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).select('nonsense').get());
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.message, "Could not find a property named 'nonsense' on type 'microsoft.graph.user'.");
  });

  it('answers 404 Request_ResourceNotFound for an unknown user and for no manager', async () => {
    const unknown = await graphFailure(sim.client.api('/users/nobody@contoso.com').get());
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.code, 'Request_ResourceNotFound');
    assert.equal(unknown.message, "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.");
    assert.match(unknown.requestId ?? '', /^[0-9a-f-]{36}$/);

    const manager = (await sim.client.api(`/users/${sim.P.jane}/manager`).get()) as Record<string, unknown>;
    assert.equal(manager.id, sim.P.janeManager);
    assert.equal(manager['@odata.type'], '#microsoft.graph.user');
    const none = await graphFailure(sim.client.api(`/users/${sim.P.noManagerUser}/manager`).get());
    assert.equal(none.statusCode, 404);
    assert.equal(none.code, 'Request_ResourceNotFound');
    assert.match(none.message, /^Resource 'manager' does not exist/);
  });

  it('expands the manager with a nested $select, and refuses unknown expansions', async () => {
    const u = (await sim.client.api(`/users/${sim.P.jane}`).select('id,displayName').expand('manager($select=id,displayName)').get()) as { manager: Record<string, unknown> };
    assert.deepEqual(u.manager, { '@odata.type': '#microsoft.graph.user', id: sim.P.janeManager, displayName: 'Marcus Reed' });
    const none = (await sim.client.api(`/users/${sim.P.noManagerUser}`).expand('manager').get()) as Record<string, unknown>;
    assert.equal('manager' in none, false);
    const bad = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).expand('memberOf').get());
    assert.equal(bad.statusCode, 400);
  });

  it('blocks sign-in, resets the password and revokes sessions', async () => {
    await sim.client.api(`/users/${sim.P.jane}`).patch({ accountEnabled: false });
    await sim.client.api(`/users/${sim.P.jane}`).patch({ passwordProfile: { password: 'Xy7!randomPassw0rd', forceChangePasswordNextSignIn: true } });
    const revoke = (await sim.client.api(`/users/${sim.P.jane}/revokeSignInSessions`).post({})) as { value: boolean };
    assert.equal(revoke.value, true);
    const after = (await sim.client.api(`/users/${sim.P.jane}`).select('accountEnabled').get()) as { accountEnabled: boolean };
    assert.equal(after.accountEnabled, false);
    const state = sim.tenant.state() as { actions: { passwordResets: Record<string, number>; revokeSignInSessions: Record<string, number> } };
    assert.equal(state.actions.passwordResets[sim.P.jane!], 1);
    assert.equal(state.actions.revokeSignInSessions[sim.P.jane!], 1);
    const log = sim.tenant.requestLog().find((e) => e.method === 'PATCH' && JSON.stringify(e.body).includes('passwordProfile'))!;
    assert.deepEqual(log.body, { passwordProfile: { password: '[redacted]', forceChangePasswordNextSignIn: true } });

    const weak = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).patch({ passwordProfile: { password: 'short' } }));
    assert.equal(weak.statusCode, 400);
    assert.match(weak.message, /password complexity/);
  });

  it('refuses cloud writes to an on-premises synced user with the real text', async () => {
    for (const body of [{ accountEnabled: false }, { passwordProfile: { password: 'Xy7!randomPassw0rd' } }]) {
      const err = await graphFailure(sim.client.api(`/users/${sim.P.syncedUser}`).patch(body));
      assert.equal(err.statusCode, 400);
      assert.equal(err.code, 'Request_BadRequest');
      assert.equal(err.message, 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
    }
    await sim.client.api(`/users/${sim.P.syncedUser}`).patch({ usageLocation: 'NL' });
    // Deleting a synced user is refused in the cloud too (it is deleted in on-premises AD); the user stays.
    const del = await graphFailure(sim.client.api(`/users/${sim.P.syncedUser}`).delete());
    assert.equal(del.statusCode, 400);
    assert.equal(del.code, 'Request_BadRequest');
    assert.match(del.message, /on-premises mastered Directory Sync objects/);
    await sim.client.api(`/users/${sim.P.syncedUser}`).get();
  });

  it('refuses account writes on an admin-role holder with 403 Authorization_RequestDenied', async () => {
    const err = await graphFailure(sim.client.api(`/users/${sim.P.adminUser}`).patch({ accountEnabled: false }));
    assert.equal(err.statusCode, 403);
    assert.equal(err.code, 'Authorization_RequestDenied');
    const del = await graphFailure(sim.client.api(`/users/${sim.P.adminUser}`).delete());
    assert.equal(del.statusCode, 403);
  });

  it('deletes a user into deletedItems and restores it with its memberships', async () => {
    const before = (await sim.client.api(`/users/${sim.P.inheritorCandidate}/memberOf/microsoft.graph.group`).header('ConsistencyLevel', 'eventual').count(true).select('id').get()) as UserList;
    await sim.client.api(`/users/${sim.P.inheritorCandidate}`).delete();
    assert.equal((await graphFailure(sim.client.api(`/users/${sim.P.inheritorCandidate}`).get())).statusCode, 404);
    const deleted = (await sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}`).get()) as Record<string, unknown>;
    assert.equal(deleted['@odata.type'], '#microsoft.graph.user');
    assert.equal(typeof deleted.deletedDateTime, 'string');
    const restored = (await sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}/restore`).post({})) as Record<string, unknown>;
    assert.equal(restored.id, sim.P.inheritorCandidate);
    const after = (await sim.client.api(`/users/${sim.P.inheritorCandidate}/memberOf/microsoft.graph.group`).header('ConsistencyLevel', 'eventual').count(true).select('id').get()) as UserList;
    assert.equal(after.value.length, before.value.length);
    assert.equal((await graphFailure(sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}`).get())).statusCode, 404);
  });

  it('lists the organization with its verified domains', async () => {
    const org = (await sim.client.api('/organization').get()) as { value: { id: string; verifiedDomains: { name: string; isDefault: boolean }[] }[] };
    assert.equal(org.value[0]!.id, sim.tenant.tenantId);
    assert.equal(org.value[0]!.verifiedDomains.find((d) => d.isDefault)!.name, 'contoso.com');
  });
});
