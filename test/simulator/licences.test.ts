// Licences: /subscribedSkus, licenseAssignmentStates, assignLicense and its refusals, and the consequences tracked.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, invoke } from './helpers';

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const POWER_BI = 'f8a1db68-be16-40ed-86d5-cb42ce701560';
const VISIO = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';

interface Consequences {
  consequences: { userId: string; kind: string }[];
}

describe('simulator Graph: licences', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 0 });

  it('lists subscribed SKUs with their service plans and consumed units', async () => {
    const skus = (await sim.client.api('/subscribedSkus').get()) as { value: { skuId: string; skuPartNumber: string; consumedUnits: number; servicePlans: { servicePlanName: string; servicePlanId: string }[] }[] };
    const e3 = skus.value.find((s) => s.skuId === E3)!;
    assert.equal(e3.skuPartNumber, 'SPE_E3');
    assert.ok(e3.consumedUnits > 30);
    assert.ok(e3.servicePlans.some((p) => p.servicePlanName === 'EXCHANGE_S_ENTERPRISE' && p.servicePlanId === 'efb87545-963c-4e0d-99df-69c6916d9eb0'));
  });

  it("shows Jane's direct and group-assigned licences in licenseAssignmentStates", async () => {
    const jane = (await sim.client.api(`/users/${sim.P.jane}`).select('assignedLicenses,licenseAssignmentStates').get()) as {
      assignedLicenses: { skuId: string }[];
      licenseAssignmentStates: { skuId: string; assignedByGroup: string | null; state: string }[];
    };
    assert.deepEqual(jane.assignedLicenses.map((l) => l.skuId).sort(), [E3, POWER_BI, VISIO].sort());
    const e3 = jane.licenseAssignmentStates.find((s) => s.skuId === E3)!;
    assert.match(e3.assignedByGroup ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(jane.licenseAssignmentStates.find((s) => s.skuId === POWER_BI)!.assignedByGroup, null);
  });

  it('refuses to remove a group-inherited licence with the real text, and needs both parameters', async () => {
    const err = await graphFailure(sim.client.api(`/users/${sim.P.jane}/assignLicense`).post({ addLicenses: [], removeLicenses: [E3] }));
    assert.equal(err.statusCode, 400);
    assert.equal(err.message, 'User license is inherited from a group membership and it cannot be removed directly from the user.');
    const missing = await graphFailure(sim.client.api(`/users/${sim.P.jane}/assignLicense`).post({ removeLicenses: [POWER_BI] }));
    assert.equal(missing.message, "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses.");
    const notHeld = await graphFailure(sim.client.api(`/users/${sim.P.secondJane}/assignLicense`).post({ addLicenses: [], removeLicenses: [VISIO] }));
    assert.equal(notHeld.statusCode, 400);
  });

  it('removes direct licences; nothing is flagged while Plan 2 stays', async () => {
    const res = (await sim.client.api(`/users/${sim.P.jane}/assignLicense`).post({ addLicenses: [], removeLicenses: [POWER_BI, VISIO] })) as { id: string };
    assert.equal(res.id, sim.P.jane);
    const jane = (await sim.client.api(`/users/${sim.P.jane}`).select('assignedLicenses').get()) as { assignedLicenses: { skuId: string }[] };
    assert.deepEqual(jane.assignedLicenses.map((l) => l.skuId), [E3]);
    assert.deepEqual((sim.tenant.state() as Consequences).consequences, []);
  });

  it('marks a still-user mailbox for deletion when its last Exchange licence goes, but not a converted one', async () => {
    await sim.client.api(`/users/${sim.P.inheritorCandidate}/assignLicense`).post({ addLicenses: [], removeLicenses: [] });
    // Tom's E3 comes from the sales licence group: take him out of it.
    const state = sim.tenant.state() as { groups: { id: string; displayName: string }[] } & Consequences;
    const lic = state.groups.find((g) => g.displayName.startsWith('LIC - '))!;
    await sim.client.api(`/groups/${lic.id}/members/${sim.P.inheritorCandidate}/$ref`).delete();
    assert.deepEqual((sim.tenant.state() as Consequences).consequences.map((c) => [c.userId, c.kind]), [[sim.P.inheritorCandidate, 'mailboxMarkedForDeletion']]);

    // Shared first, then the licence: no consequence for that user.
    const ruby = (sim.tenant.state() as { users: { id: string; displayName: string }[] }).users.find((u) => u.displayName === 'Ruby Scott')!;
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: ruby.id, Type: 'Shared' })).status, 200);
    await sim.client.api(`/users/${ruby.id}/assignLicense`).post({ addLicenses: [], removeLicenses: [E3] });
    assert.ok(!(sim.tenant.state() as Consequences).consequences.some((c) => c.userId === ruby.id));
  });

  it('flags a litigation hold once no licence carries Exchange Online Plan 2', async () => {
    const ruby = (sim.tenant.state() as { users: { id: string; displayName: string }[] }).users.find((u) => u.displayName === 'Ruby Scott')!;
    await invoke(sim.tenant, 'Set-Mailbox', { Identity: ruby.id, LitigationHoldEnabled: true });
    await invoke(sim.tenant, 'Set-Mailbox', { Identity: ruby.id, Type: 'Shared' });
    assert.deepEqual((sim.tenant.state() as Consequences).consequences, []);
    await sim.client.api(`/users/${ruby.id}/assignLicense`).post({ addLicenses: [], removeLicenses: [E3] });
    assert.deepEqual((sim.tenant.state() as Consequences).consequences.map((c) => c.kind), ['holdWithoutPlan2']);
  });

  it('assigns a licence and refuses an unknown SKU', async () => {
    await sim.client.api(`/users/${sim.P.secondJane}/assignLicense`).post({ addLicenses: [{ skuId: VISIO, disabledPlans: [] }], removeLicenses: [] });
    const u = (await sim.client.api(`/users/${sim.P.secondJane}`).select('assignedLicenses').get()) as { assignedLicenses: { skuId: string }[] };
    assert.ok(u.assignedLicenses.some((l) => l.skuId === VISIO));
    const bad = await graphFailure(sim.client.api(`/users/${sim.P.secondJane}/assignLicense`).post({ addLicenses: [{ skuId: '11111111-1111-1111-1111-111111111111' }], removeLicenses: [] }));
    assert.equal(bad.statusCode, 400);
    assert.match(bad.message, /does not correspond to a valid company License/);
  });
});
