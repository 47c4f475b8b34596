// A group with a team that the leaver owned alone: its new owner is made a member too, since an owner manages the team
// only as a member (group-post-owners). The hand-over step against the simulated tenant, through the real gateways:
// from the plan's targets and reading them at run time, idempotent ("already exist" is done), one $batch, and a
// dynamic group's rule left to decide membership (with a follow-up).
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { PlannedStep, Target } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import { takeSnapshot } from '../../src/offboarding/preflight';
import type { ItemRecord } from '../../src/offboarding/run';
import { handOverOwnedGroups } from '../../src/offboarding/steps/hand-over-owned-groups';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { stepContext } from './step-context';

const HUB = 'Sales Enablement Hub'; // Jane's alone, with a team; Marcus (her manager) is not a member

describe('hand-over of a group with a team: the new owner becomes a member too', function () {
  this.timeout(30_000);
  let tenant: SimulatedTenant;
  const ports = () => createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { maxRetries: 1, sleep: () => Promise.resolve() });
  const P = (): Record<string, string> => tenant.personas;
  const group = (name: string) => tenant.state().groups.find((g) => g.displayName === name)!;
  const person = (id: string, displayName: string) => ({ id, displayName, userPrincipalName: `${id}@contoso.com`, accountEnabled: true });

  /** The step as the executor runs it, with its ledger in a map (pass one in to act as a resumed run). */
  async function run(step: Pick<PlannedStep, 'targets' | 'readAtRun'>, records = new Map<string, ItemRecord>()): Promise<Map<string, ItemRecord>> {
    const { graph, exchange } = ports();
    const { ctx } = stepContext({
      step: { kind: 'hand-over-owned-groups', phase: 'preserve', title: 'hand over', dependsOn: [], rounds: 1, ...step },
      people: { leaver: person(P().jane!, 'Jane Doe'), inheritor: person(P().inheritorCandidate!, 'Tom Alvarez'), manager: person(P().janeManager!, 'Marcus Reed') },
      graph,
      exchange,
      records,
    });
    await handOverOwnedGroups(ctx);
    return records;
  }

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => tenant.reset());

  it('from the plan: owner and member in one $batch, and the tenant records no owner left outside the team', async () => {
    const plan = planOffboarding(await takeSnapshot(ports(), P().jane!, P().inheritorCandidate!), DEFAULT_OPTIONS);
    const step = plan.steps.find((s) => s.kind === 'hand-over-owned-groups')!;
    assert.equal(step.title, 'Make Marcus Reed owner of 1 group Jane Doe owns alone (and a member of the one with a team)');
    assert.deepEqual(step.targets.map((t) => [t.label, t.data?.team, t.data?.dynamic, t.data?.newOwnerId]), [[HUB, true, false, P().janeManager]]);
    assert.ok(!group(HUB).members.includes(P().janeManager!));
    tenant.reset(); // the log from here on is the step's

    const records = await run(step);
    assert.deepEqual([...records.values()].map((r) => [r.label, r.status, r.detail]), [[HUB, 'done', 'Marcus Reed added as owner and member (the group has a team)']]);
    const hub = group(HUB);
    assert.ok(hub.owners.includes(P().janeManager!) && hub.members.includes(P().janeManager!));
    assert.deepEqual(tenant.state().teamOwnersNotMembers, []);
    const writes = tenant.requestLog().filter((e) => e.method === 'POST' && e.batch);
    assert.deepEqual(writes.map((e) => e.path), [`/v1.0/groups/${hub.id}/owners/$ref`, `/v1.0/groups/${hub.id}/members/$ref`]);
    assert.equal(new Set(writes.map((e) => e.batch!.batchRequestId)).size, 1, 'one $batch');
    assert.deepEqual(writes.map((e) => e.body), writes.map(() => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${P().janeManager}` })));
  });

  it('is idempotent: already an owner and a member is done, so is a member before the hand-over', async () => {
    const hub = group(HUB);
    const target: Target = { id: hub.id, label: HUB, data: { kind: 'microsoft365', team: true, dynamic: false, newOwnerId: P().janeManager! } };
    const first = await run({ targets: [target] });
    assert.equal(first.get(hub.id)?.status, 'done');
    // A resumed run that never recorded the answer sends both again: Graph's "already exist" counts as done.
    const again = await run({ targets: [target] });
    assert.deepEqual([again.get(hub.id)?.status, again.get(hub.id)?.detail], ['done', 'already an owner and a member']);
    assert.equal(tenant.requestLog().filter((e) => e.status === 400).length, 2);

    tenant.reset();
    const { graph } = ports();
    await graph.call({ method: 'POST', url: `/groups/${hub.id}/members/$ref`, body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${P().janeManager}` } });
    const member = await run({ targets: [target] });
    assert.deepEqual([member.get(hub.id)?.status, member.get(hub.id)?.detail], ['done', 'Marcus Reed added as owner (the group has a team)']);
  });

  it('reading at run time (the preflight could not): the team is read from Graph and the owner made a member', async () => {
    const records = await run({ targets: [], readAtRun: true });
    assert.deepEqual([...records.values()].map((r) => [r.label, r.status]), [[HUB, 'done']]);
    assert.ok(group(HUB).members.includes(P().janeManager!));
    const read = tenant.requestLog().find((e) => e.path.endsWith('/ownedObjects/microsoft.graph.group'))!;
    assert.match(read.query, /resourceProvisioningOptions/);
  });

  it('a group without a team gets an owner only; a dynamic one leaves membership to its rule, with a follow-up', async () => {
    const plain = group('SG-Sales-Pricing');
    const hub = group(HUB);
    const records = await run({
      targets: [
        { id: plain.id, label: plain.displayName, data: { kind: 'security', team: false, newOwnerId: P().janeManager! } },
        { id: hub.id, label: HUB, data: { kind: 'microsoft365', team: true, dynamic: true, newOwnerId: P().janeManager! } },
      ],
    });
    assert.equal(records.get(plain.id)?.detail, 'Marcus Reed added as owner');
    assert.equal(records.get(hub.id)?.status, 'done');
    assert.match(records.get(hub.id)?.followUp ?? '', /^Sales Enablement Hub: Marcus Reed owns its team but can manage it only as a member too, and its membership is dynamic/);
    assert.deepEqual(tenant.requestLog().filter((e) => e.path.endsWith('/members/$ref')), [], 'no member added by hand');
    assert.deepEqual(tenant.state().teamOwnersNotMembers.map((t) => t.groupName), [HUB], 'the tenant records it');
  });

  it('a refused owner or member is a failure with its error', async () => {
    const records = await run({ targets: [{ id: '00000000-0000-4000-8000-000000000000', label: 'Gone', data: { team: true, newOwnerId: P().janeManager! } }] });
    const r = records.get('00000000-0000-4000-8000-000000000000')!;
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.status, 404);
  });
});
