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
    const first = (await sim.client.api(`/users/${sim.P.jane}/memberOf/microsoft.graph.group`).header('ConsistencyLevel', 'eventual').count(true).select('id,displayName,groupTypes,mailEnabled,securityEnabled').get()) as Page;
    assert.equal(first['@odata.count'], 103);
    assert.equal(first.value.length, 100);
    const next = first['@odata.nextLink']!;
    assert.ok(next.startsWith(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}/memberOf/microsoft.graph.group?`), next);
    assert.match(next, /\$skiptoken=/);
    assert.match(next, /\$select=/);
    assert.match(next, /\$count=true/, 'the next page keeps $count=true; the header is sent again');
    const second = (await sim.client.api(relativeToBase(sim.tenant, next)).header('ConsistencyLevel', 'eventual').get()) as Page;
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
    let path: string | undefined = `/users/${sim.P.jane}/memberOf/microsoft.graph.group?$select=id,displayName,groupTypes,mailEnabled,securityEnabled,membershipRule,membershipRuleProcessingState,onPremisesSyncEnabled,resourceProvisioningOptions&$count=true`;
    while (path) {
      const page = (await sim.client.api(path).header('ConsistencyLevel', 'eventual').get()) as Page;
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
    const plain = await graphFailure(sim.client.api(`/users/${sim.P.jane}/memberOf`).filter("id eq 'x'").get());
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
    const roles = (await sim.client.api(`/users/${sim.P.adminUser}/transitiveMemberOf/microsoft.graph.directoryRole`).header('ConsistencyLevel', 'eventual').count(true).get()) as Page;
    assert.deepEqual(roles.value.map((r) => r.displayName).sort(), ['Global Administrator', 'Security Reader']);
    assert.equal(roles.value[0]!['@odata.type'], '#microsoft.graph.directoryRole');
    const none = (await sim.client.api(`/users/${sim.P.jane}/transitiveMemberOf/microsoft.graph.directoryRole`).header('ConsistencyLevel', 'eventual').count(true).get()) as Page;
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

  describe('OData casts on directory lists are advanced queries', () => {
    const casts = (): string[] => [
      `/users/${sim.P.jane}/memberOf/microsoft.graph.group`,
      `/users/${sim.P.jane}/transitiveMemberOf/microsoft.graph.group`,
      `/users/${sim.P.adminUser}/transitiveMemberOf/microsoft.graph.directoryRole`,
      `/groups/${sim.tenant.groups.approversGroupId}/transitiveMembers/microsoft.graph.user`,
    ];

    it('refuses a cast without ConsistencyLevel: eventual and $count=true (400 Request_UnsupportedQuery), each missing alone too', async () => {
      for (const path of casts()) {
        const cast = path.split('/').at(-1)!;
        const bare = await graphFailure(sim.client.api(path).get());
        assert.equal(bare.statusCode, 400, path);
        assert.equal(bare.code, 'Request_UnsupportedQuery', path);
        assert.equal(
          bare.message,
          `OData cast '${cast}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
        );
        assert.equal((await graphFailure(sim.client.api(path).header('ConsistencyLevel', 'eventual').get())).code, 'Request_UnsupportedQuery', `${path} without $count`);
        assert.equal((await graphFailure(sim.client.api(path).count(true).get())).code, 'Request_UnsupportedQuery', `${path} without the header`);
        const ok = (await sim.client.api(path).header('ConsistencyLevel', 'eventual').count(true).get()) as Page;
        assert.equal(typeof ok['@odata.count'], 'number', path);
      }
    });

    it('answers the same casts inside $batch only when the inner request carries the header (not the outer one)', async () => {
      const requests = casts().map((url, i) => ({ id: String(i + 1), method: 'GET', url: `${url}?$count=true` }));
      const outerOnly = (await sim.client.api('/$batch').header('ConsistencyLevel', 'eventual').post({ requests })) as { responses: Array<{ id: string; status: number; body: { error?: { code: string } } }> };
      assert.deepEqual(outerOnly.responses.map((r) => [r.status, r.body.error?.code]), casts().map(() => [400, 'Request_UnsupportedQuery']));
      const inner = (await sim.client.api('/$batch').post({ requests: requests.map((r) => ({ ...r, headers: { ConsistencyLevel: 'eventual' } })) })) as { responses: Array<{ status: number }> };
      assert.deepEqual(inner.responses.map((r) => r.status), casts().map(() => 200));
      const log = sim.tenant.requestLog().filter((e) => e.batch);
      assert.deepEqual(log.map((e) => e.consistencyLevel), [...casts().map(() => undefined), ...casts().map(() => 'eventual')], 'the log records the inner header');
    });

    it('leaves ownedObjects and registeredDevices casts default queries, as their pages document no such requirement', async () => {
      const owned = (await sim.client.api(`/users/${sim.P.jane}/ownedObjects/microsoft.graph.group`).select('id').get()) as Page;
      assert.equal(owned.value.length, 3);
      const advanced = (await sim.client.api(`/users/${sim.P.jane}/ownedObjects/microsoft.graph.group`).header('ConsistencyLevel', 'eventual').count(true).select('id').get()) as Page;
      assert.equal(advanced['@odata.count'], 3);
    });

    it('ignores $count=true without the header on a directory list, as Graph does (no @odata.count)', async () => {
      const page = (await sim.client.api('/users').count(true).top(1).get()) as Page;
      assert.equal(page['@odata.count'], undefined);
      const counted = (await sim.client.api('/users').header('ConsistencyLevel', 'eventual').count(true).top(1).get()) as Page;
      assert.equal(typeof counted['@odata.count'], 'number');
    });
  });
});
