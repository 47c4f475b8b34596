// GraphGateway.call and .list against the simulated tenant: answers, Graph's errors as M365Error, custom headers,
// paging through absolute http:// nextLinks.
import assert from 'node:assert/strict';
import { GraphGateway, GraphPaths } from '../../src/m365/graph';
import { captureServer, failure, json, recorder, useTenant, JANE_UPN } from './helpers';

describe('m365 GraphGateway: call and list', () => {
  const sim = useTenant();

  it('GETs a user and returns status, body and the request id of the answer', async () => {
    const rec = recorder();
    const graph = sim.graph({ onCall: rec.onCall });
    const res = await graph.call<{ id: string; userPrincipalName: string }>({ method: 'GET', url: `/users/${JANE_UPN}?$select=id,userPrincipalName` });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, sim.P.jane);
    const logged = sim.tenant.requestLog();
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.path, `/v1.0/users/${JANE_UPN}`);
    assert.equal(logged[0]!.query, '$select=id,userPrincipalName');
    assert.equal(res.requestId, logged[0]!.requestId);
    assert.deepEqual(
      rec.calls.map((c) => [c.service, c.method, c.url, c.status, c.requestId, c.attempt]),
      [['graph', 'GET', `/users/${JANE_UPN}?$select=id,userPrincipalName`, 200, logged[0]!.requestId, 1]],
    );
  });

  it('turns a 404 into an M365Error with Graph code, message and request id', async () => {
    const err = await failure(sim.graph().call({ method: 'GET', url: '/users/nobody@contoso.com' }));
    assert.equal(err.service, 'graph');
    assert.equal(err.status, 404);
    assert.equal(err.code, 'Request_ResourceNotFound');
    assert.equal(err.message, "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.");
    assert.equal(err.requestId, sim.tenant.requestLog()[0]!.requestId);
    assert.equal(err.transient, false);
    assert.equal(err.info.url, '/users/nobody@contoso.com');
  });

  it('returns the real 400 text for a PATCH on an on-premises synced user, and sends the JSON body', async () => {
    const err = await failure(sim.graph().call({ method: 'PATCH', url: `/users/${sim.P.syncedUser}`, body: { accountEnabled: false } }));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'Request_BadRequest');
    assert.match(err.message, /^Unable to update the specified properties for on-premises mastered Directory Sync objects/);
    assert.deepEqual(sim.tenant.requestLog()[0]!.body, { accountEnabled: false });
  });

  it('answers 204 with an undefined body', async () => {
    const res = await sim.graph().call({ method: 'PATCH', url: `/users/${sim.P.jane}`, body: { accountEnabled: false } });
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
  });

  it('sends custom headers: $search works with ConsistencyLevel: eventual and fails without it', async () => {
    const graph = sim.graph();
    const url = '/users?$search="displayName:Jane"&$select=displayName';
    const res = await graph.call<{ value: Array<{ displayName: string }> }>({ method: 'GET', url, headers: { ConsistencyLevel: 'eventual' } });
    assert.deepEqual(res.body.value.map((u) => u.displayName).sort(), ['Jane Doe', 'Jane Smith']);
    const err = await failure(graph.call({ method: 'GET', url }));
    assert.equal(err.status, 400);
    assert.match(err.message, /ConsistencyLevel: eventual/);
  });

  it("lists Jane's 103 groups across pages, following the absolute http:// nextLink as a path", async () => {
    const groups = await sim.graph().list<{ id: string }>(`/users/${sim.P.jane}/memberOf/microsoft.graph.group?$select=id,displayName`);
    assert.equal(groups.length, 103);
    assert.equal(new Set(groups.map((g) => g.id)).size, 103);
    const pages = sim.tenant.requestLog();
    // Graph's default page is 100 objects: two pages, the second with the skip token and the original $select.
    assert.equal(pages.length, 2);
    assert.ok(pages.every((p) => p.path === `/v1.0/users/${sim.P.jane}/memberOf/microsoft.graph.group` && p.status === 200));
    assert.match(pages[1]!.query, /\$skiptoken=/);
    assert.match(pages[1]!.query, /\$select=id,displayName/);
  });

  it('lists with custom headers on every page', async () => {
    const users = await sim.graph().list<{ id: string }>('/users?$count=true&$filter=accountEnabled eq true&$top=5&$select=id', { ConsistencyLevel: 'eventual' });
    const pages = sim.tenant.requestLog();
    assert.ok(pages.length > 1, 'expected several pages of 5');
    assert.equal(users.length, new Set(users.map((u) => u.id)).size);
    assert.ok(pages.every((p) => p.status === 200));
  });

  it('stops paging once `enough` says so', async () => {
    const users = await sim.graph().list<{ id: string }>('/users?$top=5&$select=id', undefined, (items) => items.length >= 7);
    assert.equal(users.length, 10, 'two pages of 5');
    assert.equal(sim.tenant.requestLog().length, 2);
  });

  it('never sends a token over plain http, even with a credential', async () => {
    const server = await captureServer((_req, res) => json(res, 200, { value: [] }));
    try {
      const scopes: string[][] = [];
      const credential = { getToken: (s: string | string[]) => (scopes.push([s].flat()), Promise.resolve({ token: 'secret-token', expiresOnTimestamp: Date.now() + 3600_000 })) };
      const graph = new GraphGateway({ baseUrl: server.url, credential });
      await graph.call({ method: 'GET', url: '/users' });
      assert.equal(server.requests[0]!.url, '/v1.0/users');
      assert.equal(server.requests[0]!.headers.authorization, undefined);
      assert.deepEqual(scopes, []);
    } finally {
      await server.close();
    }
  });
});

describe('m365 GraphPaths', () => {
  const paths = new GraphPaths('http://127.0.0.1:5099');

  it('turns absolute nextLinks under the base URL into paths below the version', () => {
    assert.equal(paths.relative('http://127.0.0.1:5099/v1.0/users/x/memberOf?$skiptoken=abc&$select=id'), '/users/x/memberOf?$skiptoken=abc&$select=id');
    assert.equal(new GraphPaths('https://graph.microsoft.com/').relative('https://graph.microsoft.com/v1.0/groups?$skiptoken=RFNwd'), '/groups?$skiptoken=RFNwd');
  });

  it('refuses links to another origin or version, so no token follows them', () => {
    assert.throws(() => paths.relative('https://evil.example/v1.0/users'), /outside/);
    assert.throws(() => paths.relative('http://127.0.0.1:5099/beta/users'), /outside/);
  });
});
