// GET /users/{id}/mailboxSettings/timeZone as Graph answers it (user-get-mailboxsettings): the value in the format the
// administrator set up (Windows or IANA), 404 MailboxNotEnabledForRESTAPI without a mailbox.
import assert from 'node:assert/strict';
import { graphFailure, useTenant } from './helpers';

describe('simulator Graph: one mailbox setting (timeZone)', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 0 });

  it('answers the value with its context, in the format it was set in', async () => {
    const marcus = (await sim.client.api(`/users/${sim.P.janeManager}/mailboxSettings/timeZone`).get()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(marcus).sort(), ['@odata.context', 'value']);
    assert.equal(marcus.value, 'W. Europe Standard Time');
    assert.match(String(marcus['@odata.context']), new RegExp(`\\$metadata#users\\('${sim.P.janeManager}'\\)/mailboxSettings/timeZone$`));
    const amara = (await sim.client.api(`/users/${sim.P.approver1}/mailboxSettings/timeZone`).get()) as { value: string };
    assert.equal(amara.value, 'America/New_York');
    // Never chosen: no value (and the property is missing from the whole settings).
    const ben = (await sim.client.api(`/users/${sim.P.approver2}/mailboxSettings/timeZone`).get()) as { value: unknown };
    assert.equal(ben.value, null);
    const all = (await sim.client.api(`/users/${sim.P.approver2}/mailboxSettings`).get()) as Record<string, unknown>;
    assert.ok(!('timeZone' in all));
    assert.equal(((await sim.client.api(`/users/${sim.P.janeManager}/mailboxSettings`).get()) as { timeZone: string }).timeZone, 'W. Europe Standard Time');
  });

  it('follows a PATCH of the zone; object settings answer their properties', async () => {
    await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({ timeZone: 'Pacific Standard Time' });
    assert.equal(((await sim.client.api(`/users/${sim.P.jane}/mailboxSettings/timeZone`).get()) as { value: string }).value, 'Pacific Standard Time');
    const replies = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings/automaticRepliesSetting`).get()) as Record<string, unknown>;
    assert.equal(replies.status, 'disabled');
    assert.match(String(replies['@odata.context']), /mailboxSettings\/automaticRepliesSetting$/);
  });

  it('404 MailboxNotEnabledForRESTAPI without a mailbox; 400 for a setting that does not exist', async () => {
    const err = await graphFailure(sim.client.api('/users/leo.fischer@contoso.com/mailboxSettings/timeZone').get());
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'MailboxNotEnabledForRESTAPI');
    const bad = await graphFailure(sim.client.api(`/users/${sim.P.jane}/mailboxSettings/favouriteColour`).get());
    assert.equal(bad.statusCode, 400);
    const nobody = await graphFailure(sim.client.api('/users/nobody@contoso.com/mailboxSettings/timeZone').get());
    assert.equal(nobody.statusCode, 404);
  });
});
