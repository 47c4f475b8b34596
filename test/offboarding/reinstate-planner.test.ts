// The reinstatement planner, pure: only what the offboarding's run changed is undone, what is back already is left
// alone, the dependency order holds, and what can't be undone is named.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { Plan, PlannedStep, ReinstateStepKind, StepKind } from '../../src/offboarding/plan';
import { REINSTATE_STEP_KINDS } from '../../src/offboarding/plan';
import { handedOverGroups, planReinstatement } from '../../src/offboarding/reinstate/planner';
import type { OffboardingOutcome, ReinstateSnapshot } from '../../src/offboarding/reinstate/snapshot';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import type { ItemRecord } from '../../src/offboarding/run';

const JANE = { id: 'jane-id', displayName: 'Jane Doe', userPrincipalName: 'jane@contoso.com', accountEnabled: true };
const TOM = { id: 'tom-id', displayName: 'Tom Heir', userPrincipalName: 'tom@contoso.com', accountEnabled: true };
const MARCUS = { id: 'marcus-id', displayName: 'Marcus Reed', userPrincipalName: 'marcus@contoso.com', accountEnabled: true };
const AT = new Date('2026-12-03T10:00:00.000Z');

const step = (kind: StepKind, targets: PlannedStep['targets'] = [], extra: Partial<PlannedStep> = {}): PlannedStep => ({ kind, phase: 'remove', title: kind, dependsOn: [], targets, rounds: 1, ...extra });
const done = (label: string, detail?: string): ItemRecord => ({ status: 'done', label, ...(detail ? { detail } : {}), at: AT.toISOString() });

function offboarding(items: OffboardingOutcome['items'], steps: PlannedStep[] = [], options = DEFAULT_OPTIONS): OffboardingOutcome {
  const plan: Plan = { leaverId: JANE.id, inheritorId: TOM.id, options, steps, warnings: [], followUps: [], refusals: [] };
  const request = { id: 'OFB-AAAAAA', status: 'completed', leaver: JANE, inheritor: TOM, manager: MARCUS, options, plan } as unknown as OffboardingRequest;
  return { request, steps: [], items };
}

const active = (extra: Partial<ReinstateSnapshot> = {}): ReinstateSnapshot => ({
  takenAt: AT.toISOString(),
  account: 'active',
  accountEnabled: false,
  onPremisesSyncEnabled: false,
  skuIds: [],
  memberOf: [],
  ownerOf: [],
  devices: {},
  mailbox: { recipientTypeDetails: 'SharedMailbox', hiddenFromAddressLists: true },
  tapPolicy: { enabled: true, appliesToPerson: true, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: false },
  readWarnings: [],
  ...extra,
});

const stepOf = (plan: Plan, kind: ReinstateStepKind): PlannedStep => plan.steps.find((s) => s.kind === kind)!;

describe('reinstatement planner', () => {
  it('undoes only what the run changed: targets found already so, or back now, are left alone', () => {
    const plan = planReinstatement({
      offboarding: offboarding({
        'block-sign-in': { [JANE.id]: done('Jane Doe') },
        'leave-groups': { g1: done('Sales'), g2: done('Gone', 'already gone'), g3: done('Back by hand') },
        'leave-distribution-lists': { d1: done('All staff', 'was no longer a member') },
        'remove-direct-licences': { sku1: done('E3'), sku2: { status: 'failed', label: 'E5', at: AT.toISOString() } },
      }),
      now: active({ memberOf: ['g3'] }),
      removeHandovers: false,
      at: AT,
    });
    assert.deepEqual(stepOf(plan, 'rejoin-groups').targets.map((t) => t.id), ['g1']);
    assert.match(stepOf(plan, 'rejoin-distribution-lists').skip ?? '', /nothing to do/);
    assert.deepEqual(stepOf(plan, 'restore-direct-licences').targets.map((t) => t.id), ['sku1'], 'a licence whose removal failed was never removed');
    assert.deepEqual(stepOf(plan, 'enable-sign-in').targets.map((t) => t.id), [JANE.id]);
    assert.equal(stepOf(plan, 'restore-account').skip, 'nothing to do: the account was kept');
    assert.deepEqual(plan.refusals, []);
    assert.deepEqual(plan.steps.map((s) => s.kind), [...REINSTATE_STEP_KINDS], 'every step, in display order');
  });

  it('leaves alone what is back already: sign-in allowed, licence assigned, mailbox a user mailbox again', () => {
    const plan = planReinstatement({
      offboarding: offboarding({
        'block-sign-in': { [JANE.id]: done('Jane Doe') },
        'remove-direct-licences': { sku1: done('E3') },
        'convert-to-shared': { [JANE.id]: done('Jane Doe') },
        'hide-from-address-list': { [JANE.id]: done('Jane Doe') },
      }),
      now: active({ accountEnabled: true, skuIds: ['SKU1'], mailbox: { recipientTypeDetails: 'UserMailbox', hiddenFromAddressLists: false } }),
      removeHandovers: false,
      at: AT,
    });
    for (const kind of ['enable-sign-in', 'restore-direct-licences', 'mailbox-to-regular', 'show-in-address-list'] as const) {
      assert.match(stepOf(plan, kind).skip ?? '', /already back/, kind);
    }
  });

  it('the account before everything, a licence before the mailbox type, the ownership before the hand-over is undone', () => {
    const plan = planReinstatement({ offboarding: offboarding({}), now: active(), removeHandovers: true, at: AT });
    assert.deepEqual(stepOf(plan, 'restore-account').dependsOn, []);
    for (const s of plan.steps.filter((x) => x.kind !== 'restore-account')) {
      assert.ok(s.dependsOn.includes('restore-account'), s.kind);
    }
    assert.deepEqual(stepOf(plan, 'mailbox-to-regular').dependsOn, ['restore-account', 'restore-direct-licences', 'rejoin-licence-groups']);
    assert.deepEqual(stepOf(plan, 'mailbox-to-regular').orderOnly, ['restore-direct-licences', 'rejoin-licence-groups'], 'a licence without a seat does not hold the mailbox back');
    assert.ok(stepOf(plan, 'undo-group-handover').dependsOn.includes('restore-group-ownerships'));
    assert.ok(stepOf(plan, 'temporary-access-pass').dependsOn.includes('enable-sign-in'));
  });

  it('a deleted account is restored first while Entra holds it; past 30 days it is refused', () => {
    const items = { 'delete-account': { [JANE.id]: done('Jane Doe') } };
    const within = planReinstatement({ offboarding: offboarding(items), now: { takenAt: AT.toISOString(), account: 'deleted', deletedAt: '2026-11-20T10:00:00Z', readWarnings: [] }, removeHandovers: false, at: AT });
    assert.deepEqual(stepOf(within, 'restore-account').targets.map((t) => t.id), [JANE.id]);
    assert.deepEqual(within.refusals, []);
    const late = planReinstatement({ offboarding: offboarding(items), now: { takenAt: AT.toISOString(), account: 'deleted', deletedAt: '2026-11-01T10:00:00Z', readWarnings: [] }, removeHandovers: false, at: AT });
    assert.match(late.refusals.join(' '), /more than 30 days ago \(on 2026-11-01\)/);
    const gone = planReinstatement({ offboarding: offboarding(items), now: { takenAt: AT.toISOString(), account: 'gone', readWarnings: [] }, removeHandovers: false, at: AT });
    assert.equal(gone.refusals.length, 1);
  });

  it('the Temporary Access Pass: one use, at most 60 minutes; a policy that is off or leaves the person out warns and skips', () => {
    const on = planReinstatement({ offboarding: offboarding({}), now: active(), removeHandovers: false, at: AT });
    assert.deepEqual(stepOf(on, 'temporary-access-pass').params, { lifetimeInMinutes: 60, isUsableOnce: true });
    const off = planReinstatement({ offboarding: offboarding({}), now: active({ tapPolicy: { enabled: false, appliesToPerson: true, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: false } }), removeHandovers: false, at: AT });
    assert.match(stepOf(off, 'temporary-access-pass').skip ?? '', /policy is off/);
    assert.ok(off.warnings.some((w) => w.code === 'tap-policy'));
    const excluded = planReinstatement({ offboarding: offboarding({}), now: active({ tapPolicy: { enabled: true, appliesToPerson: false, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: false } }), removeHandovers: false, at: AT });
    assert.match(stepOf(excluded, 'temporary-access-pass').skip ?? '', /does not include Jane Doe/);
  });

  it('a synced person: sign-in is a follow-up for AD, not a cloud write', () => {
    const plan = planReinstatement({ offboarding: offboarding({ 'block-sign-in': { [JANE.id]: done('Jane Doe') } }), now: active({ onPremisesSyncEnabled: true }), removeHandovers: false, at: AT });
    assert.match(stepOf(plan, 'enable-sign-in').skip ?? '', /on-premises AD/);
    assert.ok(plan.followUps.some((f) => /Active Directory/.test(f.message)));
  });

  it('hand-over: only what was added goes, and only when chosen', () => {
    const items = {
      'hand-over-owned-groups': {
        g1: done('Team A', 'Marcus Reed added as owner and member (the group has a team)'),
        g2: done('Group B', 'already an owner'),
        g3: done('Team C', 'Marcus Reed added as member (the group has a team)'),
      },
    };
    const kept = planReinstatement({ offboarding: offboarding(items), now: active(), removeHandovers: false, at: AT });
    assert.match(stepOf(kept, 'undo-group-handover').skip ?? '', /not chosen/);
    assert.equal(handedOverGroups(kept), 2);
    const removed = planReinstatement({ offboarding: offboarding(items), now: active(), removeHandovers: true, at: AT });
    assert.deepEqual(
      stepOf(removed, 'undo-group-handover').targets.map((t) => [t.id, t.data]),
      [
        ['g1', { heirId: MARCUS.id, owner: true, member: true }],
        ['g3', { heirId: MARCUS.id, owner: false, member: true }],
      ],
    );
  });

  it('mail protocols go back to their values before; an automatic reply that was on before stays on', () => {
    const plan = planReinstatement({
      offboarding: offboarding(
        { 'disable-mobile-protocols': { [JANE.id]: done('Jane Doe') }, 'auto-reply': { [JANE.id]: done('Jane Doe', 'replaced an automatic reply that was on (alwaysEnabled)') } },
        [step('disable-mobile-protocols', [{ id: JANE.id, label: 'Jane Doe', data: { activeSync: true, pop: false, imap: true } }])],
      ),
      now: active(),
      removeHandovers: false,
      at: AT,
    });
    assert.deepEqual(stepOf(plan, 'restore-mobile-protocols').params, { activeSync: true, pop: false, imap: true });
    assert.match(stepOf(plan, 'auto-reply-off').skip ?? '', /left on/);
  });

  it('names what cannot be undone: wipes, MFA methods, consents, meetings, forwarding, inbox rules, the hold', () => {
    const plan = planReinstatement({
      offboarding: offboarding(
        {
          'intune-devices': { d1: { status: 'requested', label: 'LAPTOP-1', at: AT.toISOString() } },
          'remove-mfa-methods': { m1: done('phone'), m2: done('fido2') },
          'revoke-oauth-grants': { o1: done('Zoom') },
          'cancel-meetings': { [JANE.id]: done('Jane Doe') },
          'mail-forwarding': { [JANE.id]: done('Jane Doe') },
          'clear-inbox-rules': { r1: done('To gmail') },
          'litigation-hold': { [JANE.id]: done('Jane Doe') },
        },
        [step('clear-inbox-rules', [{ id: 'r1', label: 'To gmail', data: { forwardsTo: 'jane@gmail.com' } }]), step('mail-forwarding', [], { title: 'Remove mail forwarding to jane@gmail.com' })],
      ),
      now: active(),
      removeHandovers: false,
      at: AT,
    });
    const text = (plan.notRestorable ?? []).map((n) => `${n.what}: ${n.why}`).join('\n');
    assert.match(text, /1 device wiped or retired \(LAPTOP-1\)/);
    assert.match(text, /2 MFA methods deleted/);
    assert.match(text, /Temporary Access Pass/);
    assert.match(text, /1 app consent revoked \(Zoom\)/);
    assert.match(text, /Meetings they organised were cancelled/);
    assert.match(text, /Mail forwarding \(jane@gmail.com\)/);
    assert.match(text, /Inbox rule "To gmail" \(forwarded to jane@gmail.com\)/);
    assert.match(text, /Litigation hold: left on: a hold is a legal decision/);
  });

  it('protocols whose earlier values were not recorded are left to IT; a role holder is warned that the pass may be refused', () => {
    const out = offboarding({ 'disable-mobile-protocols': { [JANE.id]: done('Jane Doe') }, 'leave-groups': { g1: done('Sales', 'was no longer a member') }, 'drop-group-ownerships': { g2: done('Ops', 'was no longer an owner') }, 'remove-direct-licences': { s1: done('E3', 'kept for the mailbox') } });
    out.request.rolesAtApproval = [{ id: 'r1', displayName: 'Helpdesk Administrator' }];
    const plan = planReinstatement({ offboarding: out, now: active(), removeHandovers: false, at: AT });
    assert.match(stepOf(plan, 'restore-mobile-protocols').skip ?? '', /not recorded/);
    assert.ok(plan.followUps.some((f) => /Set-CASMailbox/.test(f.message)));
    assert.ok(plan.warnings.some((w) => w.code === 'tap-policy' && /Helpdesk Administrator/.test(w.message)));
    for (const kind of ['rejoin-groups', 'restore-group-ownerships', 'restore-direct-licences'] as const) {
      assert.match(stepOf(plan, kind).skip ?? '', /did not change this/, `${kind}: the run found it already so`);
    }
  });
});
