// JSON batching through the real client: inner statuses, dependsOn → 424, the 20-request limit, the request log.
import assert from 'node:assert/strict';
import { BatchResponseContent } from '@microsoft/microsoft-graph-client';
import { useTenant, graphFailure } from './helpers';

interface BatchBody {
  responses: { id: string; status: number; headers: Record<string, string>; body?: { error?: { code: string; message: string } } & Record<string, unknown> }[];
}

describe('simulator Graph: $batch', () => {
  const sim = useTenant();

  it('answers 200 with one status per inner request, readable by BatchResponseContent', async () => {
    const res = (await sim.client.api('/$batch').post({
      requests: [
        { id: 'a', method: 'GET', url: `/users/${sim.P.jane}?$select=displayName` },
        { id: 'b', method: 'GET', url: '/users/nobody@contoso.com' },
        { id: 'c', method: 'PATCH', url: `/users/${sim.P.syncedUser}`, headers: { 'Content-Type': 'application/json' }, body: { accountEnabled: false } },
      ],
    })) as BatchBody;
    assert.deepEqual(res.responses.map((r) => [r.id, r.status]), [['a', 200], ['b', 404], ['c', 400]]);
    assert.equal(res.responses[1]!.body!.error!.code, 'Request_ResourceNotFound');
    const content = new BatchResponseContent(res);
    const a = content.getResponseById('a');
    assert.equal(a.status, 200);
    assert.equal(((await a.json()) as { displayName: string }).displayName, 'Jane Doe');
  });

  it('runs dependents after their dependency and fails them with 424 when it fails', async () => {
    const res = (await sim.client.api('/$batch').post({
      requests: [
        { id: 'revoke', method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions`, dependsOn: ['reset'] },
        { id: 'block', method: 'PATCH', url: `/users/${sim.P.jane}`, headers: { 'Content-Type': 'application/json' }, body: { accountEnabled: false } },
        { id: 'reset', method: 'PATCH', url: `/users/${sim.P.jane}`, headers: { 'Content-Type': 'application/json' }, body: { passwordProfile: { password: 'Xy7!randomPassw0rd', forceChangePasswordNextSignIn: true } }, dependsOn: ['block'] },
        { id: 'bad', method: 'PATCH', url: `/users/${sim.P.syncedUser}`, headers: { 'Content-Type': 'application/json' }, body: { accountEnabled: false } },
        { id: 'after-bad', method: 'POST', url: `/users/${sim.P.syncedUser}/revokeSignInSessions`, dependsOn: ['bad'] },
      ],
    })) as BatchBody;
    const status = Object.fromEntries(res.responses.map((r) => [r.id, r.status]));
    assert.deepEqual(status, { revoke: 200, block: 204, reset: 204, bad: 400, 'after-bad': 424 });
    assert.deepEqual(res.responses.map((r) => r.id), ['revoke', 'block', 'reset', 'bad', 'after-bad']);

    const inner = sim.tenant.requestLog().filter((e) => e.batch);
    assert.deepEqual(inner.map((e) => e.batch!.id), ['block', 'reset', 'revoke', 'bad', 'after-bad']);
    const outer = sim.tenant.requestLog().find((e) => e.path === '/v1.0/$batch')!;
    assert.ok(inner.every((e) => e.batch!.batchRequestId === outer.requestId));
    assert.equal(inner[0]!.path, `/v1.0/users/${sim.P.jane}`);
    const state = sim.tenant.state() as { actions: { revokeSignInSessions: Record<string, number> } };
    assert.deepEqual(state.actions.revokeSignInSessions, { [sim.P.jane!]: 1 });
  });

  it('refuses more than 20 requests, duplicate ids and unknown dependencies', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users?$top=1' }));
    const tooMany = await graphFailure(sim.client.api('/$batch').post({ requests: many }));
    assert.equal(tooMany.statusCode, 400);
    const twenty = (await sim.client.api('/$batch').post({ requests: many.slice(0, 20) })) as BatchBody;
    assert.equal(twenty.responses.length, 20);
    const dup = await graphFailure(sim.client.api('/$batch').post({ requests: [many[0], many[0]] }));
    assert.equal(dup.statusCode, 400);
    const dep = await graphFailure(sim.client.api('/$batch').post({ requests: [{ ...many[0], dependsOn: ['x'] }] }));
    assert.equal(dep.statusCode, 400);
  });
});
