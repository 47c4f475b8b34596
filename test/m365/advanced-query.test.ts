// Advanced queries: every OData cast of a directory-object list leaves the gateway with `ConsistencyLevel: eventual`
// and `$count=true` — one request, every page of a list, and each request inside $batch (on the inner request) — so
// the simulated tenant, strict where Graph's pages are, answers them.
import assert from 'node:assert/strict';
import { isDirectoryCast, withAdvancedQuery } from '../../src/m365/advanced-query';
import { useTenant } from './helpers';

describe('m365 advanced queries', () => {
  describe('withAdvancedQuery', () => {
    it('adds the header and $count=true to a GET of a cast on a directory relationship, and nothing else', () => {
      const cast = withAdvancedQuery({ method: 'GET', url: '/users/u1/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,displayName' });
      assert.deepEqual(cast, { method: 'GET', url: '/users/u1/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,displayName&$count=true', headers: { ConsistencyLevel: 'eventual' } });
      assert.equal(withAdvancedQuery({ method: 'GET', url: '/groups/g1/transitiveMembers/microsoft.graph.user' }).url, '/groups/g1/transitiveMembers/microsoft.graph.user?$count=true');
      for (const url of [
        '/users/u1/memberOf/microsoft.graph.group?$top=999',
        '/users/u1/ownedObjects/microsoft.graph.group',
        '/users/u1/registeredDevices/microsoft.graph.device',
        '/groups/g1/members/microsoft.graph.user',
        '/groups/g1/owners/microsoft.graph.user',
      ]) {
        assert.ok(isDirectoryCast({ method: 'GET', url }), url);
      }
      // Not casts on a directory list, or not a read: left exactly as they are.
      for (const request of [
        { method: 'GET' as const, url: '/users/u1/memberOf?$select=id' },
        { method: 'GET' as const, url: '/users/u1/authentication/methods' },
        { method: 'GET' as const, url: '/users?$filter=startswith(displayName,%27microsoft.graph.user%27)' },
        { method: 'POST' as const, url: '/groups/g1/members/$ref', body: {} },
        { method: 'GET' as const, url: '/directory/deletedItems/microsoft.graph.user' },
      ]) {
        assert.equal(withAdvancedQuery(request), request, request.url);
      }
    });

    it('is idempotent, keeps the caller headers, and replaces a ConsistencyLevel in any case or a $count=false', () => {
      const once = withAdvancedQuery({ method: 'GET', url: '/users/u1/memberOf/microsoft.graph.group?$count=false&$select=id', headers: { consistencylevel: 'session', 'client-request-id': 'x' } });
      assert.deepEqual(once.headers, { 'client-request-id': 'x', ConsistencyLevel: 'eventual' });
      assert.equal(once.url, '/users/u1/memberOf/microsoft.graph.group?$select=id&$count=true');
      assert.deepEqual(withAdvancedQuery(once), once);
      // A next page (Graph keeps $count=true in @odata.nextLink) and a $count segment get the header only.
      assert.equal(withAdvancedQuery({ method: 'GET', url: '/users/u1/memberOf/microsoft.graph.group?$count=true&$skiptoken=abc' }).url, '/users/u1/memberOf/microsoft.graph.group?$count=true&$skiptoken=abc');
      const segment = withAdvancedQuery({ method: 'GET', url: '/users/u1/memberOf/microsoft.graph.group/$count' });
      assert.deepEqual([segment.url, segment.headers], ['/users/u1/memberOf/microsoft.graph.group/$count', { ConsistencyLevel: 'eventual' }]);
    });
  });

  describe('the gateway against the simulated tenant', () => {
    const sim = useTenant();

    it('sends them on one request and on every page of a list, which the tenant would refuse without them', async () => {
      const graph = sim.graph();
      const roles = await graph.call<{ value: Array<{ displayName: string }>; '@odata.count': number }>({ method: 'GET', url: `/users/${sim.P.adminUser}/transitiveMemberOf/microsoft.graph.directoryRole?$select=displayName` });
      assert.deepEqual(roles.body.value.map((r) => r.displayName).sort(), ['Global Administrator', 'Security Reader']);
      assert.equal(roles.body['@odata.count'], 2);
      const groups = await graph.list<{ id: string }>(`/users/${sim.P.jane}/memberOf/microsoft.graph.group?$select=id`);
      assert.equal(groups.length, 103);
      const log = sim.tenant.requestLog();
      assert.equal(log.length, 3, 'one call, then two pages');
      assert.ok(log.every((e) => e.status === 200 && e.consistencyLevel === 'eventual' && /(^|&)\$count=true(&|$)/.test(e.query)), JSON.stringify(log.map((e) => [e.path, e.query, e.consistencyLevel])));
    });

    it('puts them on each inner request of a $batch, not on the batch', async () => {
      const results = await sim.graph().batch([
        { method: 'GET', url: `/users/${sim.P.jane}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id` },
        { method: 'GET', url: `/groups/${sim.tenant.groups.approversGroupId}/transitiveMembers/microsoft.graph.user?$select=id` },
        { method: 'GET', url: `/users/${sim.P.jane}?$select=id` },
      ]);
      assert.ok(results.every((r) => !(r instanceof Error) && r.status === 200), JSON.stringify(results));
      const log = sim.tenant.requestLog();
      const inner = log.filter((e) => e.batch);
      assert.deepEqual(
        inner.map((e) => [e.path.split('/').at(-1), e.consistencyLevel ?? null, /\$count=true/.test(e.query)]),
        [
          ['microsoft.graph.directoryRole', 'eventual', true],
          ['microsoft.graph.user', 'eventual', true],
          [sim.P.jane, null, false],
        ],
      );
      assert.equal(log.find((e) => e.path === '/v1.0/$batch')?.consistencyLevel, undefined, 'the outer POST needs none');
    });
  });
});
