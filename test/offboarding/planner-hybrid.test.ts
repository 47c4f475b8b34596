// The planner for on-premises synced leavers (planner/hybrid.ts), as input → output tables: which cloud writes are
// skipped up front, the follow-ups naming the AD attribute or action, and IsExchangeCloudManaged lifting the Exchange
// skips.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, type OffboardingOptions } from '../../src/offboarding/options';
import type { Plan, PlannedStep, StepKind } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import { CLOUD_FORWARDING_ONLY, exchangeAttributesOnPremises } from '../../src/offboarding/planner/hybrid';
import type { LeaverSnapshot, MailboxInfo } from '../../src/offboarding/snapshot';
import { leaver, snapshot } from './fixtures';

const step = (plan: Plan, kind: StepKind): PlannedStep => plan.steps.find((s) => s.kind === kind)!;
const followUps = (plan: Plan): string => plan.followUps.map((f) => f.message).join('\n');

/** A synced leaver; `mailbox` null: none, 'unreadable': Get-Mailbox failed, else overrides of a readable mailbox. */
function synced(mailbox: Partial<MailboxInfo> | null | 'unreadable' = {}, over: Partial<LeaverSnapshot> = {}): LeaverSnapshot {
  const base = leaver().mailbox!;
  return leaver({
    id: 'samuel',
    displayName: 'Samuel Park',
    userPrincipalName: 'samuel.park@contoso.com',
    onPremisesSyncEnabled: true,
    mailbox: mailbox === null ? null : mailbox === 'unreadable' ? undefined : { ...base, forwardingSmtpAddress: undefined, ...mailbox },
    ...over,
  });
}

const plan = (l: LeaverSnapshot, options: Partial<OffboardingOptions> = {}): Plan => planOffboarding(snapshot(l), { ...DEFAULT_OPTIONS, ...options });

describe('planner: on-premises synced leavers', () => {
  it('tells when on-premises AD manages the Exchange attributes', () => {
    const table: Array<[LeaverSnapshot, boolean | undefined]> = [
      [leaver(), false],
      [synced({}), true],
      [synced({ exchangeCloudManaged: true }), false],
      [synced('unreadable'), undefined],
      [synced(null), false],
    ];
    for (const [l, expected] of table) {
      assert.equal(exchangeAttributesOnPremises(l), expected, JSON.stringify([l.onPremisesSyncEnabled, l.mailbox && l.mailbox.exchangeCloudManaged]));
    }
  });

  it('skips hiding from the address lists with a follow-up naming msExchHideFromAddressLists', () => {
    const p = plan(synced());
    assert.match(step(p, 'hide-from-address-list').skip ?? '', /on-premises AD.*IsExchangeCloudManaged false/);
    assert.match(followUps(p), /set msExchHideFromAddressLists to TRUE .*Set-RemoteMailbox samuel\.park@contoso\.com -HiddenFromAddressListsEnabled \$true/);
    // Converting still runs in the cloud; on-premises is told the mailbox is shared.
    assert.equal(step(p, 'convert-to-shared').skip, undefined);
    assert.match(followUps(p), /Set-RemoteMailbox samuel\.park@contoso\.com -Type Shared/);
    // Mailbox data and cloud-only settings are unaffected.
    for (const kind of ['litigation-hold', 'grant-full-access', 'auto-reply', 'clear-inbox-rules', 'disable-mobile-protocols', 'revoke-sessions'] as const) {
      assert.equal(step(p, kind).skip, undefined, kind);
    }
    assert.ok(p.warnings.some((w) => w.code === 'synced-user' && /hiding from the address lists/.test(w.message)));
    assert.deepEqual(p.refusals, []);
  });

  it('IsExchangeCloudManaged true: the Exchange attribute writes are planned, with no AD follow-up for them', () => {
    const p = plan(synced({ exchangeCloudManaged: true, forwardingAddress: 'Tom Alvarez' }));
    assert.equal(step(p, 'hide-from-address-list').skip, undefined);
    assert.equal(step(p, 'mail-forwarding').skip, undefined);
    assert.equal(step(p, 'mail-forwarding').params?.[CLOUD_FORWARDING_ONLY], undefined, 'clears ForwardingAddress too');
    assert.doesNotMatch(followUps(p), /msExchHideFromAddressLists|altRecipient|Set-RemoteMailbox/);
    // The account itself is still mastered on-premises.
    assert.match(step(p, 'block-sign-in').skip ?? '', /on-premises/);
  });

  it('forwarding: altRecipient is left to AD, the cloud forwarding is cleared here', () => {
    const table: Array<[Partial<MailboxInfo>, { skip: boolean; cloudOnly: boolean; altRecipient: boolean }]> = [
      [{ forwardingAddress: 'Tom Alvarez' }, { skip: true, cloudOnly: false, altRecipient: true }],
      [{ forwardingAddress: 'Tom Alvarez', forwardingSmtpAddress: 'smtp:samuel@example.net' }, { skip: false, cloudOnly: true, altRecipient: true }],
      [{ forwardingSmtpAddress: 'smtp:samuel@example.net' }, { skip: false, cloudOnly: true, altRecipient: false }],
      [{}, { skip: true, cloudOnly: false, altRecipient: false }],
    ];
    for (const [mailbox, expected] of table) {
      const p = plan(synced(mailbox));
      const s = step(p, 'mail-forwarding');
      const label = JSON.stringify(mailbox);
      assert.equal(s.skip !== undefined, expected.skip, label);
      assert.equal(s.params?.[CLOUD_FORWARDING_ONLY] === true, expected.cloudOnly, label);
      assert.equal(/clear altRecipient \(ForwardingAddress\)/.test(followUps(p)), expected.altRecipient, label);
    }
    // Forwarding to the inheritor sets ForwardingSmtpAddress, which an altRecipient would override.
    const toTom = plan(synced({ forwardingAddress: 'Someone Else' }), { forwardToInheritor: true });
    assert.equal(step(toTom, 'mail-forwarding').skip, undefined);
    assert.match(followUps(toTom), /altRecipient.*Exchange ignores the forwarding to the inheritor/);
  });

  it('the mailbox could not be read: the writes are tried, and only the cloud forwarding is cleared', () => {
    const p = plan(synced('unreadable'));
    assert.equal(step(p, 'hide-from-address-list').skip, undefined);
    assert.equal(step(p, 'mail-forwarding').params?.[CLOUD_FORWARDING_ONLY], true);
    assert.match(followUps(p), /Check Samuel Park's forwarding \(altRecipient\)/);
  });

  it('deleting a synced account is a follow-up for AD, whatever manages the Exchange attributes', () => {
    for (const mailbox of [{}, { exchangeCloudManaged: true }]) {
      const p = plan(synced(mailbox), { deleteAccount: true, convertToShared: false, removeLicences: false });
      assert.match(step(p, 'delete-account').skip ?? '', /synced from on-premises AD: Entra ID refuses/);
      assert.match(followUps(p), /Delete samuel\.park@contoso\.com in on-premises Active Directory/);
    }
    // Not chosen: nothing to say about it.
    assert.doesNotMatch(followUps(plan(synced())), /Delete samuel/);
  });

  it('a cloud-only leaver is planned as before', () => {
    const p = plan(leaver({ mailbox: { ...leaver().mailbox!, forwardingAddress: 'Tom Alvarez' } }), { deleteAccount: true, convertToShared: false, removeLicences: false });
    assert.equal(step(p, 'hide-from-address-list').skip, undefined);
    assert.equal(step(p, 'delete-account').skip, undefined);
    assert.equal(step(p, 'mail-forwarding').params?.[CLOUD_FORWARDING_ONLY], undefined);
    assert.doesNotMatch(followUps(p), /msExch|altRecipient|Set-RemoteMailbox|in on-premises Active Directory/);
  });
});
