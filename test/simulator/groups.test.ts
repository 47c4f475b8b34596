// Group membership and ownership writes with Graph's refusals, through the real client.
import assert from 'node:assert/strict';
import type { GroupRecord, SeedTenant } from '../../src/simulator/types';
import { useTenant, graphFailure } from './helpers';

describe('simulator Graph: group writes', () => {
  const sim = useTenant();
  const group = (name: string): GroupRecord => (sim.tenant.state() as SeedTenant).groups.find((g) => g.displayName === name)!;
  const ref = (id: string): Record<string, string> => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

  it('removes a member from a security group and a Team, then 404s a second time', async () => {
    for (const name of ['SG-Sales-Pricing', 'Sales EMEA']) {
      const g = group(name);
      await sim.client.api(`/groups/${g.id}/members/${sim.P.jane}/$ref`).delete();
      assert.ok(!group(name).members.includes(sim.P.jane!));
      const again = await graphFailure(sim.client.api(`/groups/${g.id}/members/${sim.P.jane}/$ref`).delete());
      assert.equal(again.statusCode, 404);
      assert.equal(again.code, 'Request_ResourceNotFound');
    }
  });

  it('refuses dynamic, synced and Exchange-mastered groups the way Graph does', async () => {
    const dynamic = await graphFailure(sim.client.api(`/groups/${group('DYN-Sales-Department').id}/members/${sim.P.jane}/$ref`).delete());
    assert.equal(dynamic.statusCode, 400);
    assert.equal(dynamic.code, 'Request_BadRequest');
    const synced = await graphFailure(sim.client.api(`/groups/${group('CORP-VPN-Users').id}/members/${sim.P.jane}/$ref`).delete());
    assert.equal(synced.statusCode, 400);
    assert.equal(synced.message, 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
    for (const name of ['DL Sales Announcements', 'MESG Contract Signatories']) {
      const err = await graphFailure(sim.client.api(`/groups/${group(name).id}/members/${sim.P.jane}/$ref`).delete());
      assert.equal(err.statusCode, 400);
      assert.equal(err.message, 'Cannot Update a mail-enabled security groups and or distribution list.');
      assert.ok(group(name).members.includes(sim.P.jane!));
    }
  });

  it('answers 404 for an unknown group or member', async () => {
    const g = await graphFailure(sim.client.api(`/groups/00000000-0000-0000-0000-000000000000/members/${sim.P.jane}/$ref`).delete());
    assert.equal(g.statusCode, 404);
    const m = await graphFailure(sim.client.api(`/groups/${group('SG-Sales-Pricing').id}/members/00000000-0000-0000-0000-000000000001/$ref`).delete());
    assert.equal(m.statusCode, 404);
  });

  it('refuses removing the last owner, and allows it once a new owner is added first', async () => {
    const hub = group('Sales Enablement Hub');
    const last = await graphFailure(sim.client.api(`/groups/${hub.id}/owners/${sim.P.jane}/$ref`).delete());
    assert.equal(last.statusCode, 400);
    assert.equal(last.message, 'The group must have at least one owner, hence this owner cannot be removed.');
    await sim.client.api(`/groups/${hub.id}/owners/$ref`).post(ref(sim.P.janeManager!));
    const dup = await graphFailure(sim.client.api(`/groups/${hub.id}/owners/$ref`).post(ref(sim.P.janeManager!)));
    assert.equal(dup.statusCode, 400);
    assert.match(dup.message, /already exist for the following modified properties: 'owners'/);
    await sim.client.api(`/groups/${hub.id}/owners/${sim.P.jane}/$ref`).delete();
    assert.deepEqual(group('Sales Enablement Hub').owners, [sim.P.janeManager]);
  });

  it('adds a member with POST members/$ref and refuses a duplicate', async () => {
    const g = group('SG-Sales-Pricing');
    await sim.client.api(`/groups/${g.id}/members/$ref`).post(ref(sim.P.secondJane!));
    const dup = await graphFailure(sim.client.api(`/groups/${g.id}/members/$ref`).post(ref(sim.P.secondJane!)));
    assert.match(dup.message, /already exist for the following modified properties: 'members'/);
  });

  it("leaving the licence-assigning group takes its licence away, and is a consequence while the mailbox is a user mailbox", async () => {
    const lic = group('LIC - Microsoft 365 E3 (Sales)');
    await sim.client.api(`/groups/${lic.id}/members/${sim.P.jane}/$ref`).delete();
    const jane = (await sim.client.api(`/users/${sim.P.jane}`).select('licenseAssignmentStates').get()) as { licenseAssignmentStates: { assignedByGroup: string | null }[] };
    assert.ok(jane.licenseAssignmentStates.every((s) => s.assignedByGroup === null));
    const state = sim.tenant.state() as { consequences: { userId: string; kind: string }[] };
    assert.deepEqual(state.consequences.map((c) => [c.userId, c.kind]), [[sim.P.jane, 'mailboxMarkedForDeletion']]);
  });

  it('records an owner added to a group with a team who is not its member (Graph accepts it; they cannot manage the team)', async () => {
    const hub = group('Sales Enablement Hub');
    const notMembers = (): unknown => (sim.tenant.state() as { teamOwnersNotMembers: unknown[] }).teamOwnersNotMembers;
    await sim.client.api(`/groups/${hub.id}/owners/$ref`).post(ref(sim.P.janeManager!));
    assert.deepEqual(notMembers(), [{ groupId: hub.id, groupName: 'Sales Enablement Hub', userId: sim.P.janeManager }]);
    await sim.client.api(`/groups/${hub.id}/members/$ref`).post(ref(sim.P.janeManager!));
    assert.deepEqual(notMembers(), []);
    // A group without a team records nothing; seeded owners who are not members are the tenant's own business.
    await sim.client.api(`/groups/${group('SG-Sales-Pricing').id}/owners/$ref`).post(ref(sim.P.secondJane!));
    assert.deepEqual(notMembers(), []);
  });
});
