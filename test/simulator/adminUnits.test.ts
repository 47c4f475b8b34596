// Administrative units and directory role assignments — via the real client.
import assert from 'node:assert/strict';
import { graphFailure, useTenant } from './helpers';

const UNIT = '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d';
const BOT_SP = '7ecc49cc-1f30-51f0-b6aa-291c8602a683';

describe('simulator Graph: administrative units and role assignments', () => {
  const sim = useTenant();

  it('serves the unit, its members, and a member by id (404 for a non-member)', async () => {
    const unit = (await sim.client.api(`/directory/administrativeUnits/${UNIT}`).get()) as Record<string, unknown>;
    assert.equal(unit.displayName, 'Offboardable staff');
    const members = (await sim.client.api(`/directory/administrativeUnits/${UNIT}/members`).get()) as { value: Array<Record<string, unknown>> };
    assert.deepEqual(members.value.map((m) => m.id).sort(), [sim.P.jane, sim.P.secondJane, sim.P.inheritorCandidate].sort());
    const jane = (await sim.client.api(`/directory/administrativeUnits/${UNIT}/members/${sim.P.jane}`).get()) as Record<string, unknown>;
    assert.deepEqual([jane['@odata.type'], jane.id], ['#microsoft.graph.user', sim.P.jane]);
    const outside = await graphFailure(sim.client.api(`/directory/administrativeUnits/${UNIT}/members/${sim.P.outsideUnit}`).get());
    assert.deepEqual([outside.statusCode, outside.code], [404, 'Request_ResourceNotFound']);
    const noUnit = await graphFailure(sim.client.api(`/directory/administrativeUnits/00000000-0000-4000-8000-000000000000/members/${sim.P.jane}`).get());
    assert.equal(noUnit.statusCode, 404);
  });

  it("lists the bot's role assignments with their scope, filtered by principalId", async () => {
    const res = (await sim.client.api('/roleManagement/directory/roleAssignments').filter(`principalId eq '${BOT_SP}'`).get()) as { value: Array<Record<string, unknown>> };
    assert.deepEqual(
      res.value.map((a) => [a.roleDefinitionId, a.directoryScopeId]),
      [
        ['fe930be7-5e62-47db-91af-98c3a49a38b1', '/'],
        ['29232cdf-9323-42fd-ade2-1d097af3e4de', '/'],
      ],
    );
    const none = (await sim.client.api('/roleManagement/directory/roleAssignments').filter(`principalId eq '${sim.P.jane}'`).get()) as { value: unknown[] };
    assert.deepEqual(none.value, []);
  });
});
