// Hybrid (on-premises synced) leavers against the simulated tenant, through the real gateways: a default run ends
// "completed", every cloud write Microsoft refuses for a synced object is skipped up front and named as a follow-up
// for IT (the AD attribute or action), and a synced user whose Exchange attributes are cloud-managed
// (Get-Mailbox IsExchangeCloudManaged true) gets the Exchange attribute writes after all.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS, type OffboardingOptions } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import type { LogEntry, SimulatedTenant } from '../../src/simulator';
import { startSimulatedTenant } from '../../src/simulator';
import { loadSeed } from '../../src/simulator/seed';
import type { MailboxRecord } from '../../src/simulator/types';
import { TOM_ID } from './jane';
import { engineOver } from './tenant-engine';

const SAMUEL_UPN = 'samuel.park@contoso.com';
const CHARLOTTE_UPN = 'charlotte.lee@contoso.com';

function engineFor(tenant: SimulatedTenant): OffboardingEngine {
  return engineOver(tenant).engine;
}

async function offboard(tenant: SimulatedTenant, leaverId: string, options: OffboardingOptions = DEFAULT_OPTIONS) {
  const engine = engineFor(tenant);
  const preview = await engine.preview(leaverId, TOM_ID, options);
  const view = await engine.execute(`req-${leaverId}`, preview);
  return { preview, view, byKind: new Map(view.steps.map((s) => [s.kind, s])), followUps: view.run.plan.followUps.map((f) => f.message) };
}

const mailboxOf = (tenant: SimulatedTenant, upn: string): MailboxRecord => {
  const state = tenant.state();
  const user = state.users.find((u) => u.userPrincipalName === upn)!;
  return state.mailboxes.find((m) => m.userId === user.id)!;
};

/** Writes the tenant refused (a synced object's are refused with Graph's or Exchange's on-premises text). */
const refusedWrites = (log: LogEntry[]): LogEntry[] =>
  log.filter((e) => e.status >= 400 && !e.fault && (e.service === 'exchange' ? !/^Get-/.test(e.cmdlet ?? '') : e.method !== 'GET'));

describe('engine: hybrid (on-premises synced) leavers against the simulated tenant', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  beforeEach(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 100 });
  });
  afterEach(async () => {
    await tenant.close();
  });

  it('Samuel Park (synced, Exchange attributes on-premises): a default run completes, with follow-ups for AD', async () => {
    const { preview, view, byKind, followUps } = await offboard(tenant, tenant.personas.syncedUser!);
    assert.deepEqual(preview.plan.refusals, []);
    assert.deepEqual(view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`), []);
    assert.equal(view.run.status, 'completed');
    // Planned as skipped, each with its reason: nothing refused was sent.
    for (const kind of ['block-sign-in', 'reset-password', 'hide-from-address-list'] as const) {
      assert.equal(byKind.get(kind)?.status, 'skipped', kind);
      assert.match(byKind.get(kind)?.reason ?? '', /on-premises/, kind);
    }
    assert.deepEqual(refusedWrites(tenant.requestLog()).map((e) => `${e.method} ${e.path} ${e.cmdlet ?? ''}`), []);
    // What the cloud accepts still happened.
    for (const kind of ['revoke-sessions', 'litigation-hold', 'convert-to-shared', 'await-shared-mailbox', 'grant-full-access', 'auto-reply'] as const) {
      assert.equal(byKind.get(kind)?.status, 'done', kind);
    }
    assert.equal(mailboxOf(tenant, SAMUEL_UPN).HiddenFromAddressListsEnabled, false, 'left to AD');
    // Follow-ups name the AD attribute or action.
    assert.ok(followUps.some((f) => /msExchHideFromAddressLists/.test(f)), followUps.join('\n'));
    assert.ok(followUps.some((f) => /Disable .*reset their password in on-premises Active Directory/.test(f)), followUps.join('\n'));
    assert.ok(followUps.some((f) => /Set-RemoteMailbox .*-Type Shared/.test(f)), 'the on-premises remote mailbox is told it is shared');
  });

  it('Samuel Park: deleting the account and clearing on-premises forwarding are left to AD', async () => {
    // Samuel forwards through AD (altRecipient, synced) and through Exchange Online (ForwardingSmtpAddress, not synced).
    const seed = loadSeed();
    const samuel = seed.mailboxes.find((m) => m.userId === seed.personas.syncedUser)!;
    Object.assign(samuel, { ForwardingAddress: 'tomalvarez', ForwardingSmtpAddress: 'smtp:samuel.park@example.net', DeliverToMailboxAndForward: true });
    const seedFile = path.join(mkdtempSync(path.join(tmpdir(), 'hybrid-seed-')), 'tenant.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    await tenant.close();
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 100, seedFile });
    const options: OffboardingOptions = { ...DEFAULT_OPTIONS, deleteAccount: true, convertToShared: false, removeLicences: false, litigationHold: false, grantFullAccess: false };
    const { preview, view, byKind, followUps } = await offboard(tenant, tenant.personas.syncedUser!, options);
    assert.deepEqual(preview.plan.refusals, []);
    assert.equal(view.run.status, 'completed', view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`).join('; '));
    assert.equal(byKind.get('delete-account')?.status, 'skipped');
    assert.match(byKind.get('delete-account')?.reason ?? '', /on-premises/);
    assert.ok(followUps.some((f) => /Delete .* in on-premises Active Directory/.test(f)), followUps.join('\n'));
    // The cloud forwarding is cleared; the on-premises one is a follow-up naming altRecipient.
    assert.equal(byKind.get('mail-forwarding')?.status, 'done');
    const after = mailboxOf(tenant, SAMUEL_UPN);
    assert.equal(after.ForwardingSmtpAddress, null);
    assert.ok(after.ForwardingAddress, 'altRecipient is left to AD');
    assert.ok(followUps.some((f) => /altRecipient/.test(f)), followUps.join('\n'));
    assert.deepEqual(refusedWrites(tenant.requestLog()).map((e) => `${e.method} ${e.path} ${e.cmdlet ?? ''}`), []);
    assert.ok(tenant.requestLog().every((e) => !(e.method === 'DELETE' && /^\/v1\.0\/users\/[^/]+$/.test(e.path))), 'no DELETE /users sent');
  });

  it("Samuel Park, his mailbox unreadable at preview: Exchange's refusal at run time is a skip with a follow-up", async () => {
    const engine = engineFor(tenant);
    const read = await engine.preview(tenant.personas.syncedUser!, TOM_ID, DEFAULT_OPTIONS);
    // As if Get-Mailbox had failed in the preflight: nothing tells whether AD manages the Exchange attributes.
    const snapshot = { ...read.snapshot, leaver: { ...read.snapshot.leaver, mailbox: undefined } };
    const view = await engine.execute('req-unreadable', { snapshot, plan: planOffboarding(snapshot, DEFAULT_OPTIONS) });
    const hide = view.steps.find((s) => s.kind === 'hide-from-address-list')!;
    assert.equal(hide.status, 'skipped');
    assert.match(hide.reason ?? '', /on-premises AD/);
    assert.match((hide.followUps ?? []).join('\n'), /msExchHideFromAddressLists/);
    const refused = refusedWrites(tenant.requestLog());
    assert.deepEqual(refused.map((e) => e.cmdlet), ['Set-Mailbox'], 'the one refusal: hiding, tried because nothing said not to');
    assert.deepEqual(view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`), []);
    assert.equal(view.run.status, 'completed');
  });

  it('Charlotte Lee (synced, Exchange attributes cloud-managed): the Exchange attribute writes run', async () => {
    const { view, byKind, followUps } = await offboard(tenant, tenant.personas.syncedCloudManagedUser!);
    assert.deepEqual(view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`), []);
    assert.equal(view.run.status, 'completed');
    assert.equal(byKind.get('hide-from-address-list')?.status, 'done');
    assert.equal(mailboxOf(tenant, CHARLOTTE_UPN).HiddenFromAddressListsEnabled, true);
    assert.ok(!followUps.some((f) => /msExchHideFromAddressLists|Set-RemoteMailbox/.test(f)), followUps.join('\n'));
    // Her account is still mastered on-premises: sign-in and password stay with AD.
    assert.equal(byKind.get('block-sign-in')?.status, 'skipped');
    assert.ok(followUps.some((f) => /on-premises Active Directory/.test(f)));
  });
});
