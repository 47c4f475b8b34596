// mailboxSettings, OneDrive and Teams app installation.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, invoke } from './helpers';

describe('simulator Graph: mailbox settings, OneDrive, Teams apps', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 0 });

  it('sets an automatic reply and reports userPurpose from the Exchange mailbox type', async () => {
    const before = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).select('userPurpose').get()) as Record<string, unknown>;
    assert.equal(before.userPurpose, 'user');
    assert.deepEqual(Object.keys(before).filter((k) => !k.startsWith('@')), ['userPurpose']);
    const patched = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({
      automaticRepliesSetting: { status: 'alwaysEnabled', externalAudience: 'all', internalReplyMessage: 'Jane has left; contact Tom.', externalReplyMessage: 'Jane has left.' },
    })) as { automaticRepliesSetting: { status: string; internalReplyMessage: string } };
    assert.equal(patched.automaticRepliesSetting.status, 'alwaysEnabled');
    await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.jane, Type: 'Shared' });
    const after = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).get()) as { userPurpose: string; automaticRepliesSetting: { internalReplyMessage: string } };
    assert.equal(after.userPurpose, 'shared');
    assert.equal(after.automaticRepliesSetting.internalReplyMessage, 'Jane has left; contact Tom.');
    const bad = await graphFailure(sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({ automaticRepliesSetting: { status: 'sometimes' } }));
    assert.equal(bad.statusCode, 400);
  });

  it('answers MailboxNotEnabledForRESTAPI for a user without a mailbox, and mysite not found without OneDrive', async () => {
    const err = await graphFailure(sim.client.api('/users/leo.fischer@contoso.com/mailboxSettings').get());
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'MailboxNotEnabledForRESTAPI');
    const drive = await graphFailure(sim.client.api('/users/leo.fischer@contoso.com/drive').get());
    assert.equal(drive.statusCode, 404);
    assert.equal(drive.message, "User's mysite not found.");
  });

  it("gives the inheritor access to Jane's OneDrive", async () => {
    const drive = (await sim.client.api(`/users/${sim.P.jane}/drive`).get()) as { id: string; driveType: string; quota: { used: number } };
    assert.equal(drive.driveType, 'business');
    assert.ok(drive.quota.used > 8e9);
    const res = (await sim.client.api(`/drives/${drive.id}/root/invite`).post({
      recipients: [{ email: 'tom.alvarez@contoso.com' }],
      roles: ['write'],
      requireSignIn: true,
      sendInvitation: false,
    })) as { value: { roles: string[]; grantedTo: { user: { id: string } } }[] };
    assert.deepEqual(res.value[0]!.roles, ['write']);
    assert.equal(res.value[0]!.grantedTo.user.id, sim.P.inheritorCandidate);
    const perms = (await sim.client.api(`/drives/${drive.id}/root/permissions`).get()) as { value: { roles: string[] }[] };
    assert.deepEqual(perms.value.map((p) => p.roles), [['owner'], ['write']]);
    assert.equal((await graphFailure(sim.client.api(`/drives/${drive.id}/root/invite`).post({ recipients: [], roles: ['write'] }))).statusCode, 400);
  });

  it('finds the bot in the org catalog by manifest id and installs it for an approver who lacks it', async () => {
    const catalog = (await sim.client.api('/appCatalogs/teamsApps').filter(`externalId eq '${sim.tenant.teamsAppId}'`).get()) as { value: { id: string; externalId: string }[] };
    assert.equal(catalog.value.length, 1);
    const catalogId = catalog.value[0]!.id;
    assert.notEqual(catalogId, sim.tenant.teamsAppId);

    const installedFor = async (user: string): Promise<number> =>
      ((await sim.client.api(`/users/${user}/teamwork/installedApps`).expand('teamsApp').filter(`teamsApp/externalId eq '${sim.tenant.teamsAppId}'`).get()) as { value: unknown[] }).value.length;
    assert.equal(await installedFor(sim.P.approver1!), 1);
    assert.equal(await installedFor(sim.P.approver2!), 0);

    const bind = { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogId}` };
    await sim.client.api(`/users/${sim.P.approver2}/teamwork/installedApps`).post(bind);
    assert.equal(await installedFor(sim.P.approver2!), 1);
    const again = await graphFailure(sim.client.api(`/users/${sim.P.approver2}/teamwork/installedApps`).post(bind));
    assert.equal(again.statusCode, 409);
    const log = sim.tenant.requestLog().filter((e) => e.method === 'POST' && e.path.endsWith('/teamwork/installedApps'));
    assert.deepEqual(log.map((e) => e.status), [201, 409]);

    const list = (await sim.client.api(`/users/${sim.P.approver2}/teamwork/installedApps`).expand('teamsAppDefinition').get()) as { value: { id: string; teamsAppDefinition: { teamsAppId: string } }[] };
    assert.equal(list.value[0]!.teamsAppDefinition.teamsAppId, catalogId);
    const chat = (await sim.client.api(`/users/${sim.P.approver2}/teamwork/installedApps/${list.value[0]!.id}/chat`).get()) as { id: string };
    assert.match(chat.id, /^19:/);
  });
});
