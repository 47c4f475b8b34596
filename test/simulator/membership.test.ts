// Memberships, paging at 100 with absolute nextLinks, transitive checks, roles and ownerships — via the real client.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, relativeToBase } from './helpers';

interface Page {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

describe('simulator Graph: membership and paging', () => {
  const sim = useTenant();

  it("pages Jane's memberOf at 100 with an absolute nextLink the bot follows relative to the base URL", async () => {
    const first = (await sim.client.api(`/users/${sim.P.jane}/memberOf/microsoft.graph.group`).select('id,displayName,groupTypes,mailEnabled,securityEnabled').get()) as Page;
    assert.equal(first.value.length, 100);
    const next = first['@odata.nextLink']!;
    assert.ok(next.startsWith(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}/memberOf/microsoft.graph.group?`), next);
    assert.match(next, /\$skiptoken=/);
    assert.match(next, /\$select=/);
    const second = (await sim.client.api(relativeToBase(sim.tenant, next)).get()) as Page;
    assert.equal(second.value.length, 3);
    assert.equal(second['@odata.nextLink'], undefined);
    assert.deepEqual(Object.keys(second.value[0]!).sort(), ['@odata.type', 'displayName', 'groupTypes', 'id', 'mailEnabled', 'securityEnabled']);
    const ids = new Set([...first.value, ...second.value].map((g) => g.id));
    assert.equal(ids.size, 103);
  });

  it('honours $top (1..999) and rejects a bad page token', async () => {
    const page = (await sim.client.api(`/users/${sim.P.jane}/memberOf`).top(40).get()) as Page;
    assert.equal(page.value.length, 40);
    assert.match(page['@odata.nextLink']!, /\$top=40/);
    const big = await graphFailure(sim.client.api('/users').top(1000).get());
    assert.equal(big.statusCode, 400);
    assert.match(big.message, /Invalid page size/);
    const token = await graphFailure(sim.client.api(`/users/${sim.P.jane}/memberOf?$skiptoken=garbage`).get());
    assert.equal(token.statusCode, 400);
  });

  it('returns group properties the planner needs, Teams and dynamic included', async () => {
    const all: Record<string, unknown>[] = [];
    let path: string | undefined = `/users/${sim.P.jane}/memberOf/microsoft.graph.group?$select=id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,membershipRuleProcessingState,onPremisesSyncEnabled,resourceProvisioningOptions`;
    while (path) {
      const page = (await sim.client.api(path).get()) as Page;
      all.push(...page.value);
      path = page['@odata.nextLink'] ? relativeToBase(sim.tenant, page['@odata.nextLink']) : undefined;
    }
    const team = all.find((g) => g.displayName === 'Sales Enablement Hub')!;
    assert.deepEqual(team.resourceProvisioningOptions, ['Team']);
    const dynamic = all.find((g) => g.displayName === 'DYN-Sales-Department')!;
    assert.deepEqual(dynamic.groupTypes, ['DynamicMembership']);
    assert.equal(dynamic.membershipRuleProcessingState, 'On');
    assert.ok(all.some((g) => g.onPremisesSyncEnabled === true));
  });

  it('filters a relationship only as an advanced query', async () => {
    const plain = await graphFailure(sim.client.api(`/users/${sim.P.jane}/memberOf/microsoft.graph.group`).filter("groupTypes/any(c:c eq 'Unified')").get());
    assert.equal(plain.statusCode, 400);
    assert.equal(plain.code, 'Request_UnsupportedQuery');
    const advanced = (await sim.client
      .api(`/users/${sim.P.jane}/memberOf/microsoft.graph.group`)
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .filter("groupTypes/any(c:c eq 'Unified')")
      .select('id')
      .get()) as Page;
    assert.equal(advanced['@odata.count'], 33);
  });

  it('checks group membership transitively (nested groups count)', async () => {
    const { operatorsGroupId, approversGroupId, protectedGroupId } = sim.tenant.groups;
    const check = async (user: string): Promise<string[]> =>
      ((await sim.client.api(`/users/${user}/checkMemberGroups`).post({ groupIds: [operatorsGroupId, approversGroupId, protectedGroupId] })) as { value: string[] }).value;
    assert.deepEqual(await check(sim.P.operator!), [operatorsGroupId]);
    assert.deepEqual(await check(sim.P.janeManager!), [operatorsGroupId]);
    assert.deepEqual(await check(sim.P.approver2!), [approversGroupId]);
    assert.deepEqual(await check(sim.P.protectedUser!), [protectedGroupId]);
    assert.deepEqual(await check(sim.P.jane!), []);
    const all = (await sim.client.api(`/users/${sim.P.operator}/getMemberGroups`).post({ securityEnabledOnly: true })) as { value: string[] };
    assert.ok(all.value.includes(operatorsGroupId));
    const missing = await graphFailure(sim.client.api(`/users/${sim.P.operator}/getMemberGroups`).post({}));
    assert.equal(missing.statusCode, 400);
  });

  it('lists directory roles through transitiveMemberOf and owned groups through ownedObjects', async () => {
    const roles = (await sim.client.api(`/users/${sim.P.adminUser}/transitiveMemberOf/microsoft.graph.directoryRole`).get()) as Page;
    assert.deepEqual(roles.value.map((r) => r.displayName).sort(), ['Global Administrator', 'Security Reader']);
    assert.equal(roles.value[0]!['@odata.type'], '#microsoft.graph.directoryRole');
    const none = (await sim.client.api(`/users/${sim.P.jane}/transitiveMemberOf/microsoft.graph.directoryRole`).get()) as Page;
    assert.deepEqual(none.value, []);
    const owned = (await sim.client.api(`/users/${sim.P.jane}/ownedObjects/microsoft.graph.group`).select('id,displayName').get()) as Page;
    assert.deepEqual(owned.value.map((g) => g.displayName).sort(), ['Key Account Pursuits', 'SG-Sales-EMEA-Accounts', 'Sales Enablement Hub']);
  });

  it('lists group owners and members', async () => {
    const owned = (await sim.client.api(`/users/${sim.P.jane}/ownedObjects/microsoft.graph.group`).select('id,displayName').get()) as Page;
    const hub = owned.value.find((g) => g.displayName === 'Sales Enablement Hub')!;
    const owners = (await sim.client.api(`/groups/${String(hub.id)}/owners`).select('id').get()) as Page;
    assert.deepEqual(owners.value.map((o) => o.id), [sim.P.jane]);
    const members = (await sim.client.api(`/groups/${sim.tenant.groups.operatorsGroupId}/members`).select('id,displayName').get()) as Page;
    assert.ok(members.value.some((m) => m['@odata.type'] === '#microsoft.graph.group'));
  });
});
