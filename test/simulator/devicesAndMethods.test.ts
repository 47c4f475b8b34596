// Devices (Entra and Intune), delegated grants and authentication methods.
import assert from 'node:assert/strict';
import { useTenant, graphFailure } from './helpers';

interface List {
  value: Record<string, unknown>[];
}

describe('simulator Graph: devices, grants, authentication methods', () => {
  const sim = useTenant();

  it('disables Entra-registered Windows devices; refuses non-Windows ones with 403 (app-only)', async () => {
    const devices = (await sim.client.api(`/users/${sim.P.jane}/registeredDevices`).get()) as List;
    assert.deepEqual(devices.value.map((d) => d.displayName).sort(), ['JANE-HOME-PC', 'JANE-LT-01', "Jane's iPhone"]);
    assert.ok(devices.value.every((d) => d['@odata.type'] === '#microsoft.graph.device'));
    const home = devices.value.find((d) => d.displayName === 'JANE-HOME-PC')!;
    assert.equal(home.trustType, 'Workplace');
    await sim.client.api(`/devices/${String(home.id)}`).patch({ accountEnabled: false });
    assert.equal(((await sim.client.api(`/devices/${String(home.id)}`).get()) as { accountEnabled: boolean }).accountEnabled, false);
    const phone = devices.value.find((d) => d.operatingSystem === 'iOS')!;
    const err = await graphFailure(sim.client.api(`/devices/${String(phone.id)}`).patch({ accountEnabled: false }));
    assert.equal(err.statusCode, 403);
    assert.equal(err.code, 'Authorization_RequestDenied');
  });

  it('wipes corporate and retires personal Intune devices, counting each action', async () => {
    const managed = (await sim.client.api(`/users/${sim.P.jane}/managedDevices`).select('id,deviceName,managedDeviceOwnerType').get()) as List;
    const company = managed.value.find((d) => d.managedDeviceOwnerType === 'company')!;
    const personal = managed.value.find((d) => d.managedDeviceOwnerType === 'personal')!;
    await sim.client.api(`/deviceManagement/managedDevices/${String(company.id)}/wipe`).post({ keepEnrollmentData: false, keepUserData: false });
    await sim.client.api(`/deviceManagement/managedDevices/${String(personal.id)}/retire`).post({});
    await sim.client.api(`/deviceManagement/managedDevices/${String(personal.id)}/retire`).post({});
    const actions = (sim.tenant.state() as { actions: { wipe: Record<string, number>; retire: Record<string, number> } }).actions;
    assert.deepEqual(actions.wipe, { [String(company.id)]: 1 });
    assert.deepEqual(actions.retire, { [String(personal.id)]: 2 });
    const after = (await sim.client.api(`/deviceManagement/managedDevices/${String(company.id)}`).get()) as { managementState: string };
    assert.equal(after.managementState, 'wipePending');
    assert.equal((await graphFailure(sim.client.api('/deviceManagement/managedDevices/nope/wipe').post({}))).statusCode, 404);
  });

  it("lists only the user's own delegated grants and deletes them", async () => {
    const grants = (await sim.client.api(`/users/${sim.P.jane}/oauth2PermissionGrants`).get()) as List;
    assert.equal(grants.value.length, 2);
    assert.ok(grants.value.every((g) => g.consentType === 'Principal' && g.principalId === sim.P.jane));
    const sp = (await sim.client.api(`/servicePrincipals/${String(grants.value[0]!.clientId)}`).select('displayName').get()) as { displayName: string };
    assert.equal(typeof sp.displayName, 'string');
    await sim.client.api(`/oauth2PermissionGrants/${String(grants.value[0]!.id)}`).delete();
    assert.equal(((await sim.client.api(`/users/${sim.P.jane}/oauth2PermissionGrants`).get()) as List).value.length, 1);
    assert.equal((await graphFailure(sim.client.api(`/oauth2PermissionGrants/${String(grants.value[0]!.id)}`).delete())).statusCode, 404);
  });

  it('refuses deleting the default method first and the password method ever; deletes the rest', async () => {
    const methods = ((await sim.client.api(`/users/${sim.P.jane}/authentication/methods`).get()) as List).value;
    const segment: Record<string, string> = {
      '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
      '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
      '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
      '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
      '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
      '#microsoft.graph.passwordAuthenticationMethod': 'passwordMethods',
      '#microsoft.graph.externalAuthenticationMethod': 'externalAuthenticationMethods',
    };
    const url = (m: Record<string, unknown>): string =>
      `/users/${sim.P.jane}/authentication/${segment[String(m['@odata.type'])]!}/${String(m.id)}${m['@odata.type'] === '#microsoft.graph.externalAuthenticationMethod' ? '/$ref' : ''}`;
    const password = methods.find((m) => m['@odata.type'] === '#microsoft.graph.passwordAuthenticationMethod')!;
    assert.equal((await graphFailure(sim.client.api(url(password)).delete())).statusCode, 405);

    // The mobile number can't go while the alternate mobile is there (phoneauthenticationmethod-delete).
    const mobile = methods.find((m) => m.phoneType === 'mobile')!;
    const alternate = methods.find((m) => m.phoneType === 'alternateMobile')!;
    assert.equal(alternate.id, 'b6332ec1-7057-4abe-9331-3d72feddfe41');
    const early = await graphFailure(sim.client.api(url(mobile)).delete());
    assert.equal(early.statusCode, 400);
    assert.equal(early.message, "A user can't have an alternateMobile number without a mobile number.");

    // An external method is deleted through its reference only.
    const external = methods.find((m) => m['@odata.type'] === '#microsoft.graph.externalAuthenticationMethod')!;
    assert.equal(external.displayName, 'Fabrikam MFA');
    assert.equal((await graphFailure(sim.client.api(url(external).replace(/\/\$ref$/, '')).delete())).statusCode, 405);

    const deferred: Record<string, unknown>[] = [];
    for (const m of [...methods.filter((x) => x !== password && x !== mobile), mobile]) {
      try {
        await sim.client.api(url(m)).delete();
      } catch (e) {
        const err = e as { statusCode: number; message: string };
        assert.equal(err.statusCode, 400);
        assert.equal(err.message, 'Cannot delete default method with other methods configured. Please change default method before deletion.');
        deferred.push(m);
      }
    }
    assert.equal(deferred.length, 1);
    assert.equal(deferred[0]!['@odata.type'], '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod');
    await sim.client.api(url(deferred[0]!)).delete();
    const left = ((await sim.client.api(`/users/${sim.P.jane}/authentication/methods`).get()) as List).value;
    assert.deepEqual(left.map((m) => m['@odata.type']), ['#microsoft.graph.passwordAuthenticationMethod']);
    assert.equal((await graphFailure(sim.client.api(url(external)).delete())).statusCode, 404, 'already gone');
    const wrongKind = await graphFailure(sim.client.api(`/users/${sim.P.secondJane}/authentication/fido2Methods/3179e48a-750b-4051-897c-87b9720928f7`).delete());
    assert.equal(wrongKind.statusCode, 404);
  });
});
