// Groups the leaver owns alone get a new owner first: Graph refuses to remove a group's last owner. A Microsoft 365
// group with a team also gets the new owner as a member: "if you want the owner to be able to make changes in a team
// [...] the owner also needs to be added as a group/team member" (group-post-owners). Both requests go in one $batch;
// "already exist" (400) counts as done, so a retry after a partial answer is harmless.
import { M365Error } from '../../m365/errors';
import { GRAPH_REFERENCE_ROOT } from '../../m365/graph';
import type { GraphPort, GraphRequest, GraphResult } from '../../m365/ports';
import type { Target } from '../plan';
import { alreadyFinished, enc, recordOutcome, targetsOf, type StepRunner, type TargetOutcome } from './context';
import { readOwnerships } from './graph-groups';

async function soleOwned(graph: GraphPort, userId: string, newOwnerId: string): Promise<Target[]> {
  const owned = await readOwnerships(graph, userId);
  const owners = await graph.batch<{ value: Array<{ id: string }> }>(owned.map((g) => ({ method: 'GET', url: `/groups/${enc(g.id)}/owners?$select=id` })));
  return owned.filter((_, i) => {
    const r = owners[i]!;
    return !(r instanceof Error) && r.body.value.length === 1;
  }).map((g) => ({ ...g, data: { ...g.data, newOwnerId } }));
}

/** A group with a team whose members are listed by hand (a dynamic group's rule decides who is a member). */
const hasTeam = (g: Target): boolean => g.data?.team === true;
const addsMember = (g: Target): boolean => hasTeam(g) && g.data?.dynamic !== true;

/** "One or more added object references already exist for the following modified properties: 'owners'." */
const alreadyThere = (r: GraphResult | M365Error | undefined): boolean => r instanceof M365Error && r.status === 400 && /already exist/i.test(r.message);

export const handOverOwnedGroups: StepRunner = async (ctx) => {
  const heir = ctx.people.manager ?? ctx.people.inheritor;
  const targets = (await targetsOf(ctx, () => soleOwned(ctx.graph, ctx.people.leaver.id, heir.id))).filter((t) => !alreadyFinished(ctx, t));
  if (targets.length === 0) {
    return;
  }
  const requests: GraphRequest[] = [];
  const slots = targets.map((g) => {
    const ref = { '@odata.id': `${GRAPH_REFERENCE_ROOT}/directoryObjects/${String(g.data?.newOwnerId ?? heir.id)}` };
    const owner = requests.push({ method: 'POST', url: `/groups/${enc(g.id)}/owners/$ref`, body: ref }) - 1;
    const member = addsMember(g) ? requests.push({ method: 'POST', url: `/groups/${enc(g.id)}/members/$ref`, body: ref }) - 1 : undefined;
    return { owner, member };
  });
  const results = await ctx.graph.batch(requests);
  await Promise.all(
    targets.map((g, i) => {
      const slot = slots[i]!;
      const member = slot.member === undefined ? undefined : results[slot.member];
      return recordOutcome(ctx, g, judge(g, heir.displayName, results[slot.owner], member));
    }),
  );
};

function judge(g: Target, heir: string, owner: GraphResult | M365Error | undefined, member: GraphResult | M365Error | undefined): TargetOutcome {
  for (const r of [owner, member]) {
    if (r instanceof M365Error && !alreadyThere(r)) {
      return { status: 'failed', error: r };
    }
  }
  if (!hasTeam(g)) {
    return { status: 'done', detail: alreadyThere(owner) ? 'already an owner' : `${heir} added as owner` };
  }
  if (!addsMember(g)) {
    return {
      status: 'done',
      detail: `${heir} ${alreadyThere(owner) ? 'already an owner' : 'added as owner'}; the group's membership is dynamic, so its rule decides whether they are a member`,
      followUp: `${g.label}: ${heir} owns its team but can manage it only as a member too, and its membership is dynamic: check that its rule includes them.`,
    };
  }
  const added = [alreadyThere(owner) ? '' : 'owner', alreadyThere(member) ? '' : 'member'].filter(Boolean);
  return { status: 'done', detail: added.length ? `${heir} added as ${added.join(' and ')} (the group has a team)` : 'already an owner and a member' };
}
