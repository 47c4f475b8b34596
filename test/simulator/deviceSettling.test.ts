// One-shot device actions as the services record them (Intune deviceActionResults / managementState, Exchange
// Get-MobileDeviceStatistics), the controls that play the devices' part, and the faults that lose an applied
// request's answer: what a bot's settling logic reads after a crash.
import assert from 'node:assert/strict';
import { graphFailure, invoke, JANE_UPN, noRetry, useTenant } from './helpers';

// Stable seed ids.
const JANE_LAPTOP = '2aad71d1-07f7-58b4-9469-ac61a206d61b'; // company-owned: wiped
const JANE_PHONE = '316c4cb2-6d86-53fa-85e6-317a9c2f7489'; // personal: retired
const JANE_EAS_IPHONE = 'dd64687b-b37b-50a4-b473-ad41ec0e3a52'; // ClientType EAS
const MARCUS_OUTLOOK = '8b0c380c-1608-57e5-93ec-369dcc86d798'; // ClientType Outlook (Outlook for Android)
const SELECT = 'id,managementState,deviceActionResults';

interface ActionRecord {
  id: string;
  managementState: string;
  deviceActionResults: { actionName: string; actionState: string; startDateTime: string; lastUpdatedDateTime: string }[];
}

describe('simulator: one-shot device actions and how they settle', () => {
  const sim = useTenant();
  // The entity without its @odata annotations.
  const record = async (id: string): Promise<ActionRecord> => {
    const entity = (await sim.client.api(`/deviceManagement/managedDevices/${id}`).select(SELECT).get()) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(entity).filter(([k]) => !k.startsWith('@'))) as unknown as ActionRecord;
  };
  const wipe = (id: string): Promise<unknown> => sim.client.api(`/deviceManagement/managedDevices/${id}/wipe`).middlewareOptions(noRetry).post({ keepEnrollmentData: false, keepUserData: false });
  const control = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${sim.tenant.url}/_simulator/${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const stats = async (identity: string): Promise<Record<string, unknown>> => (await invoke(sim.tenant, 'Get-MobileDeviceStatistics', { Identity: identity })).body.value![0]!;

  describe('Intune', () => {
    it('records wipe and retire in deviceActionResults and managementState, readable with $select', async () => {
      assert.deepEqual(await record(JANE_LAPTOP), { id: JANE_LAPTOP, managementState: 'managed', deviceActionResults: [] });
      await wipe(JANE_LAPTOP);
      await sim.client.api(`/deviceManagement/managedDevices/${JANE_PHONE}/retire`).post({});
      const laptop = await record(JANE_LAPTOP);
      assert.deepEqual(Object.keys(laptop).sort(), ['deviceActionResults', 'id', 'managementState']);
      assert.equal(laptop.managementState, 'wipePending');
      assert.equal(laptop.deviceActionResults.length, 1);
      const [action] = laptop.deviceActionResults;
      assert.deepEqual([action!.actionName, action!.actionState], ['wipe', 'pending']);
      assert.ok(!Number.isNaN(Date.parse(action!.startDateTime)) && action!.lastUpdatedDateTime === action!.startDateTime);
      const phone = await record(JANE_PHONE);
      assert.equal(phone.managementState, 'retirePending');
      assert.deepEqual(phone.deviceActionResults.map((a) => [a.actionName, a.actionState]), [['retire', 'pending']]);
      assert.deepEqual(sim.tenant.state().actions.wipe, { [JANE_LAPTOP]: 1 });
      assert.equal((await graphFailure(sim.client.api('/deviceManagement/managedDevices/nope').select(SELECT).get())).statusCode, 404);
    });

    it('a check-in carries out pending actions: done, *Issued, the device still listed', async () => {
      await wipe(JANE_LAPTOP);
      const view = sim.tenant.checkInManagedDevice(JANE_LAPTOP);
      assert.equal(view.managementState, 'wipeIssued');
      assert.deepEqual(view.deviceActionResults!.map((a) => a.actionState), ['done']);
      assert.deepEqual(await record(JANE_LAPTOP).then((r) => [r.managementState, r.deviceActionResults[0]!.actionState]), ['wipeIssued', 'done']);
      const listed = (await sim.client.api(`/users/${sim.P.jane}/managedDevices`).select('id').get()) as { value: { id: string }[] };
      assert.ok(listed.value.some((d) => d.id === JANE_LAPTOP));

      await sim.client.api(`/deviceManagement/managedDevices/${JANE_PHONE}/retire`).post({});
      const res = await control('POST', `managedDevices/${JANE_PHONE}/checkIn`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { managementState: string }).managementState, 'retireIssued');
      assert.equal((await control('POST', 'managedDevices/nope/checkIn')).status, 404);
    });

    it("sets the latest action's state with the matching managementState, in-process and over HTTP", async () => {
      await wipe(JANE_LAPTOP);
      assert.equal(sim.tenant.setDeviceActionState(JANE_LAPTOP, 'failed').managementState, 'wipeFailed');
      assert.equal(sim.tenant.setDeviceActionState(JANE_LAPTOP, 'canceled').managementState, 'wipeCanceled');
      assert.equal(sim.tenant.setDeviceActionState(JANE_LAPTOP, 'active').managementState, 'wipePending');
      await sim.client.api(`/deviceManagement/managedDevices/${JANE_PHONE}/retire`).post({});
      const res = await control('POST', `managedDevices/${JANE_PHONE}/actionState`, { actionState: 'failed' });
      assert.equal(res.status, 200);
      const phone = await record(JANE_PHONE);
      assert.deepEqual([phone.managementState, phone.deviceActionResults[0]!.actionState], ['retireFailed', 'failed']);
      assert.equal((await control('POST', `managedDevices/${JANE_PHONE}/actionState`, { actionState: 'none' })).status, 400);
      assert.equal((await control('POST', 'managedDevices/38d3face-1596-51d6-9f90-1f0bba70ee3b/actionState', { actionState: 'done' })).status, 409);
      assert.throws(() => sim.tenant.setDeviceActionState('nope', 'done'), /No managed device 'nope'/);
    });

    it('removes a managed device: GET then answers 404', async () => {
      sim.tenant.removeManagedDevice(JANE_LAPTOP);
      assert.equal((await graphFailure(sim.client.api(`/deviceManagement/managedDevices/${JANE_LAPTOP}`).select(SELECT).get())).statusCode, 404);
      assert.equal((await control('DELETE', `managedDevices/${JANE_PHONE}`)).status, 204);
      const listed = (await sim.client.api(`/users/${sim.P.jane}/managedDevices`).get()) as { value: unknown[] };
      assert.equal(listed.value.length, 0);
      assert.equal((await control('DELETE', `managedDevices/${JANE_PHONE}`)).status, 404);
    });

    it('applies a wipe but gives no answer (connection reset), for the next N only', async () => {
      sim.tenant.setFaults({ wipeRetireNoResponse: 1 });
      await assert.rejects(fetch(`${sim.tenant.graphBaseUrl}/v1.0/deviceManagement/managedDevices/${JANE_LAPTOP}/wipe`, { method: 'POST', body: '{}' }));
      assert.deepEqual(sim.tenant.state().actions.wipe, { [JANE_LAPTOP]: 1 });
      assert.equal((await record(JANE_LAPTOP)).managementState, 'wipePending');
      const entry = sim.tenant.requestLog().find((e) => e.path.endsWith('/wipe'))!;
      assert.deepEqual([entry.status, entry.fault], [204, 'noResponse']);
      await sim.client.api(`/deviceManagement/managedDevices/${JANE_PHONE}/retire`).post({});
      assert.equal(sim.tenant.state().actions.retire[JANE_PHONE], 1);
    });

    it('applies a retire but answers 504; a failed request does not use the fault up', async () => {
      sim.tenant.setFaults({ wipeRetire504: 1 });
      assert.equal((await graphFailure(sim.client.api('/deviceManagement/managedDevices/nope/retire').middlewareOptions(noRetry).post({}))).statusCode, 404);
      const err = await graphFailure(sim.client.api(`/deviceManagement/managedDevices/${JANE_PHONE}/retire`).middlewareOptions(noRetry).post({}));
      assert.equal(err.statusCode, 504);
      assert.equal(err.code, 'GatewayTimeout');
      assert.equal(sim.tenant.state().actions.retire[JANE_PHONE], 1);
      assert.deepEqual((await record(JANE_PHONE)).deviceActionResults.map((a) => a.actionState), ['pending']);
      assert.equal(sim.tenant.requestLog().filter((e) => e.fault === 'gatewayTimeout').length, 1);
    });

    it('loses the whole $batch answer when a wipe inside it loses its answer', async () => {
      const set = await control('POST', 'faults', { wipeRetireNoResponse: 1 });
      assert.equal(((await set.json()) as { wipeRetireNoResponse: number }).wipeRetireNoResponse, 1);
      const batch = { requests: [{ id: '1', method: 'POST', url: `/deviceManagement/managedDevices/${JANE_LAPTOP}/wipe`, body: {}, headers: { 'Content-Type': 'application/json' } }] };
      await assert.rejects(fetch(`${sim.tenant.graphBaseUrl}/v1.0/$batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) }));
      assert.equal(sim.tenant.state().actions.wipe[JANE_LAPTOP], 1);
      assert.deepEqual(sim.tenant.requestLog().map((e) => [e.path.replace(/^.*\//, ''), e.status, e.fault]), [['wipe', 204, 'noResponse'], ['$batch', 200, 'noResponse']]);
      assert.equal((await control('POST', 'faults', { wipeRetire504: -1 })).status, 400);
    });
  });

  describe('Exchange ActiveSync', () => {
    it('records an account-only wipe request and reports it in Get-MobileDeviceStatistics', async () => {
      const devices = (await invoke(sim.tenant, 'Get-MobileDevice', { Mailbox: JANE_UPN })).body.value!;
      const identity = String(devices[0]!.Identity);
      const fresh = await stats(identity);
      assert.equal(fresh.Status, 'DeviceOk');
      assert.equal(fresh.AccountOnlyDeviceWipeRequestTime, null);
      assert.equal((await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: identity, AccountOnly: '$true', Confirm: '$false' })).status, 200);
      const s = await stats(JANE_EAS_IPHONE);
      assert.equal(s.Identity, identity);
      assert.deepEqual([s.Guid, s.DeviceID, s.DeviceType, s.ClientType, s.DeviceFriendlyName], [JANE_EAS_IPHONE, 'ApplF4GH12KLMN8Q', 'iPhone', 'EAS', "Jane's iPhone"]);
      assert.ok(!Number.isNaN(Date.parse(String(s.AccountOnlyDeviceWipeRequestTime))));
      assert.equal(s.LastAccountOnlyDeviceWipeRequestor, 'Offboarding (app)');
      assert.deepEqual([s.AccountOnlyDeviceWipeSentTime, s.AccountOnlyDeviceWipeAckTime, s.DeviceWipeRequestTime, s.LastDeviceWipeRequestor], [null, null, null, null]);
      assert.equal(s.Status, 'AccountOnlyDeviceWipePending');
      for (const field of ['LastSuccessSync', 'LastSyncAttemptTime', 'DeviceModel', 'DeviceWipeSentTime', 'DeviceWipeAckTime']) {
        assert.ok(field in s, field);
      }
      const byMailbox = await invoke(sim.tenant, 'Get-MobileDeviceStatistics', { Mailbox: JANE_UPN });
      assert.deepEqual(byMailbox.body.value!.map((d) => d.Guid), [JANE_EAS_IPHONE]);
      assert.equal(sim.tenant.state().actions.clearMobileDevice[JANE_EAS_IPHONE], 1);
    });

    it('records a full wipe in the DeviceWipe* fields; -Cancel withdraws a pending request', async () => {
      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, Confirm: false });
      const full = await stats(JANE_EAS_IPHONE);
      assert.ok(full.DeviceWipeRequestTime !== null && full.AccountOnlyDeviceWipeRequestTime === null);
      assert.deepEqual([full.LastDeviceWipeRequestor, full.Status], ['Offboarding (app)', 'DeviceWipePending']);
      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, Cancel: true, Confirm: false });
      const canceled = await stats(JANE_EAS_IPHONE);
      assert.deepEqual([canceled.DeviceWipeRequestTime, canceled.Status], [null, 'DeviceOk']);
      assert.equal(sim.tenant.state().mailboxes.find((m) => m.userId === sim.P.jane)!.mobileDevices[0]!.WipeRequested, 'None');
    });

    it("refuses unknown devices with Exchange's not-found error, and needs -Identity or -Mailbox", async () => {
      const missing = await invoke(sim.tenant, 'Get-MobileDeviceStatistics', { Identity: 'janedoe\\ExchangeActiveSyncDevices\\nope', ErrorAction: 'Stop' });
      assert.equal(missing.status, 404);
      assert.match(missing.body.error!.details![0]!.message, /^Ex6F9304\|Microsoft\.Exchange\.Configuration\.Tasks\.ManagementObjectNotFoundException\|The operation couldn't be performed because object 'janedoe\\ExchangeActiveSyncDevices\\nope' couldn't be found/);
      assert.equal((await invoke(sim.tenant, 'Get-MobileDeviceStatistics', {})).status, 400);
      assert.equal((await invoke(sim.tenant, 'Get-MobileDeviceStatistics', { Identity: JANE_EAS_IPHONE, Mailbox: JANE_UPN })).status, 400);
    });

    it('a sync delivers a pending account-only wipe to an EAS phone: sent, then acknowledged', async () => {
      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, AccountOnly: true, Confirm: false });
      assert.deepEqual(sim.tenant.syncMobileDevice(JANE_EAS_IPHONE), { synced: true, reason: null });
      const s = await stats(JANE_EAS_IPHONE);
      assert.ok(s.AccountOnlyDeviceWipeSentTime !== null && s.AccountOnlyDeviceWipeAckTime !== null);
      assert.equal(s.LastSuccessSync, s.AccountOnlyDeviceWipeAckTime);
      assert.equal(s.Status, 'AccountOnlyDeviceWipeSucceeded');
    });

    it('an Outlook for iOS/Android partnership ignores an account-only wipe and acts on a full one', async () => {
      const outlook = await stats(MARCUS_OUTLOOK);
      assert.match(String(outlook.Identity), /^marcusreed\\ExchangeActiveSyncDevices\\REST\u00a7Outlook\u00a73C9A5F1E2B7D4C60$/);
      assert.deepEqual([outlook.ClientType, outlook.DeviceType], ['Outlook', 'Outlook']);
      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: outlook.Identity, AccountOnly: true, Confirm: false });
      const res = await control('POST', `mobileDevices/${MARCUS_OUTLOOK}/sync`);
      assert.deepEqual(await res.json(), { synced: true, reason: null });
      sim.tenant.syncMobileDevice(MARCUS_OUTLOOK);
      const ignored = await stats(MARCUS_OUTLOOK);
      assert.ok(ignored.AccountOnlyDeviceWipeSentTime !== null);
      assert.deepEqual([ignored.AccountOnlyDeviceWipeAckTime, ignored.Status], [null, 'AccountOnlyDeviceWipePending']);

      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: MARCUS_OUTLOOK, Confirm: false });
      sim.tenant.syncMobileDevice(MARCUS_OUTLOOK);
      const wiped = await stats(MARCUS_OUTLOOK);
      assert.ok(wiped.DeviceWipeSentTime !== null && wiped.DeviceWipeAckTime !== null);
      assert.deepEqual([wiped.AccountOnlyDeviceWipeAckTime, wiped.Status], [null, 'DeviceWipeSucceeded']);
    });

    it('nothing reaches a phone whose user is blocked or whose ActiveSync is off', async () => {
      await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, AccountOnly: true, Confirm: false });
      await invoke(sim.tenant, 'Set-CASMailbox', { Identity: JANE_UPN, ActiveSyncEnabled: false });
      assert.deepEqual(sim.tenant.syncMobileDevice(JANE_EAS_IPHONE), { synced: false, reason: 'activeSyncDisabled' });
      await sim.client.api(`/users/${sim.P.jane}`).patch({ accountEnabled: false });
      assert.deepEqual(sim.tenant.syncMobileDevice(JANE_EAS_IPHONE), { synced: false, reason: 'accountDisabled' });
      const s = await stats(JANE_EAS_IPHONE);
      assert.deepEqual([s.AccountOnlyDeviceWipeSentTime, s.AccountOnlyDeviceWipeAckTime, s.Status], [null, null, 'AccountOnlyDeviceWipePending']);
      assert.equal((await control('POST', 'mobileDevices/nope/sync')).status, 404);
    });

    it('applies Clear-MobileDevice but gives no answer, or answers 504', async () => {
      sim.tenant.setFaults({ clearMobileDeviceNoResponse: 1, clearMobileDevice504: 1 });
      await assert.rejects(invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, AccountOnly: true, Confirm: false }));
      assert.equal(sim.tenant.state().actions.clearMobileDevice[JANE_EAS_IPHONE], 1);
      assert.notEqual((await stats(JANE_EAS_IPHONE)).AccountOnlyDeviceWipeRequestTime, null);
      const timedOut = await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: MARCUS_OUTLOOK, Confirm: false });
      assert.equal(timedOut.status, 504);
      assert.notEqual((await stats(MARCUS_OUTLOOK)).DeviceWipeRequestTime, null);
      const faults = sim.tenant.requestLog().filter((e) => e.cmdlet === 'Clear-MobileDevice').map((e) => [e.status, e.fault]);
      assert.deepEqual(faults, [[200, 'noResponse'], [504, 'gatewayTimeout']]);
      assert.equal((await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, AccountOnly: true, Confirm: false })).status, 200);
    });
  });

  it('reset restores devices, their action records, wipe requests and disarms lost-answer faults', async () => {
    await wipe(JANE_LAPTOP);
    sim.tenant.checkInManagedDevice(JANE_LAPTOP);
    sim.tenant.removeManagedDevice(JANE_PHONE);
    await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: JANE_EAS_IPHONE, AccountOnly: true, Confirm: false });
    sim.tenant.syncMobileDevice(JANE_EAS_IPHONE);
    sim.tenant.setFaults({ wipeRetireNoResponse: 2, clearMobileDevice504: 1 });
    assert.equal((await control('POST', 'reset')).status, 204);
    assert.deepEqual(await record(JANE_LAPTOP).then((r) => [r.managementState, r.deviceActionResults]), ['managed', []]);
    assert.equal((await record(JANE_PHONE)).managementState, 'managed');
    const s = await stats(JANE_EAS_IPHONE);
    assert.deepEqual([s.Status, s.AccountOnlyDeviceWipeRequestTime, s.AccountOnlyDeviceWipeAckTime], ['DeviceOk', null, null]);
    const faults = (await (await control('GET', 'faults')).json()) as Record<string, number>;
    assert.deepEqual([faults.wipeRetireNoResponse, faults.wipeRetire504, faults.clearMobileDeviceNoResponse, faults.clearMobileDevice504], [0, 0, 0, 0]);
    await wipe(JANE_LAPTOP);
    assert.deepEqual(sim.tenant.state().actions.wipe, { [JANE_LAPTOP]: 1 });
  });
});
