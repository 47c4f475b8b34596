// Each user's 1:1 chat with the bot, remembered from the activities they send there (as real bots do), and preferred by
// the notifier for messages the bot sends on its own: the approval card reaches a person through the chat they wrote
// from, with its own serviceUrl, and a chat is opened by Entra id only for someone never heard from there.
import assert from 'node:assert/strict';
import { TurnContext, type Activity } from 'botbuilder';
import { MemoryStore } from '../../src/store';
import { PersonalChats } from '../../src/teams/personal-chats';

const TENANT = 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5';
const MARCUS = 'a1abf5df-27fe-52c8-84d4-86a6779ab3cb';

function activity(over: Partial<Activity> = {}): Partial<Activity> {
  return {
    type: 'installationUpdate',
    action: 'add',
    channelId: 'msteams',
    serviceUrl: 'http://localhost:56151/_connector',
    from: { id: '29:marcus-reed', aadObjectId: MARCUS, name: 'Marcus Reed' },
    recipient: { id: '28:bot', name: 'Offboarding' },
    conversation: { id: 'a:personal-marcus-reed', conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
    channelData: { tenant: { id: TENANT } },
    ...over,
  };
}

const context = (a: Partial<Activity>) => ({ activity: a }) as unknown as TurnContext;

describe('teams personal chats', () => {
  it('stores the 1:1 chat of a user the first time it hears from them there, with its serviceUrl', async () => {
    const chats = new PersonalChats(new MemoryStore());
    assert.equal(await chats.get(TENANT, MARCUS), undefined);
    assert.deepEqual(await chats.observe(context(activity())), { tenantId: TENANT, userId: MARCUS }, 'new: says whose');
    const ref = await chats.get(TENANT, MARCUS);
    assert.equal(ref?.serviceUrl, 'http://localhost:56151/_connector');
    assert.equal(ref?.conversation?.id, 'a:personal-marcus-reed');
    assert.equal(ref?.user?.aadObjectId, MARCUS);
    assert.equal(ref?.bot?.id, '28:bot');
    assert.equal(ref?.activityId, undefined, 'the chat, not a message in it');
    assert.equal(await chats.get('another-tenant', MARCUS), undefined, 'kept per tenant');
  });

  it('writes again only when the chat or its serviceUrl changed', async () => {
    const store = new MemoryStore();
    const chats = new PersonalChats(store);
    await chats.observe(context(activity()));
    const first = (await store.get('teams-personal-chats', `${TENANT}/${MARCUS}`))!.etag;
    assert.equal(await chats.observe(context(activity({ type: 'message', text: 'status', id: 'm1' }))), undefined);
    assert.equal((await store.get('teams-personal-chats', `${TENANT}/${MARCUS}`))!.etag, first, 'unchanged: no write');
    assert.deepEqual(await chats.observe(context(activity({ type: 'message', text: 'status', serviceUrl: 'https://smba.trafficmanager.net/emea/' }))), { tenantId: TENANT, userId: MARCUS }, 'changed');
    assert.equal((await chats.get(TENANT, MARCUS))?.serviceUrl, 'https://smba.trafficmanager.net/emea/');
  });

  it('ignores channels, group chats and activities without an Entra user', async () => {
    const chats = new PersonalChats(new MemoryStore());
    await chats.observe(context(activity({ conversation: { id: '19:c@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: TENANT, isGroup: true, name: '' } })));
    await chats.observe(context(activity({ conversation: { id: '19:g@thread.v2', conversationType: 'groupChat', tenantId: TENANT, isGroup: true, name: '' } })));
    await chats.observe(context(activity({ from: { id: '29:x', name: 'No Entra id' } })));
    assert.equal(await chats.get(TENANT, MARCUS), undefined);
  });

  it("forgets the chat when the app is removed from it (installationUpdate remove)", async () => {
    const chats = new PersonalChats(new MemoryStore());
    await chats.observe(context(activity()));
    await chats.observe(context(activity({ action: 'remove' })));
    assert.equal(await chats.get(TENANT, MARCUS), undefined);
  });

  it('never fails the turn when the store fails', async () => {
    const store = new MemoryStore();
    store.get = () => Promise.reject(new Error('disk full'));
    const warnings: unknown[] = [];
    const chats = new PersonalChats(store, { warn: (o: unknown) => warnings.push(o), info: () => undefined } as never);
    await chats.observe(context(activity()));
    assert.equal(warnings.length, 1);
  });

  it('keeps what TurnContext.getConversationReference gives (what continueConversation needs)', async () => {
    const chats = new PersonalChats(new MemoryStore());
    const a = activity({ type: 'message', id: 'msg-1' });
    await chats.observe(context(a));
    const { activityId: _ignored, ...expected } = TurnContext.getConversationReference(a);
    assert.deepEqual(await chats.get(TENANT, MARCUS), JSON.parse(JSON.stringify(expected)));
  });
});
