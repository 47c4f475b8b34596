// Groups the leaver owns alone get a new owner first: Graph refuses to remove a group's last owner.
import { GRAPH_REFERENCE_ROOT } from '../../m365/graph';
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { batchTargets, enc, targetsOf, type StepRunner } from './context';
import { readOwnerships } from './graph-groups';

async function soleOwned(graph: GraphPort, userId: string, newOwnerId: string): Promise<Target[]> {
  const owned = await readOwnerships(graph, userId);
  const owners = await graph.batch<{ value: Array<{ id: string }> }>(owned.map((g) => ({ method: 'GET', url: `/groups/${enc(g.id)}/owners?$select=id` })));
  return owned.filter((_, i) => {
    const r = owners[i]!;
    return !(r instanceof Error) && r.body.value.length === 1;
  }).map((g) => ({ ...g, data: { newOwnerId } }));
}

export const handOverOwnedGroups: StepRunner = async (ctx) => {
  const heir = ctx.people.manager ?? ctx.people.inheritor;
  const targets = await targetsOf(ctx, () => soleOwned(ctx.graph, ctx.people.leaver.id, heir.id));
  await batchTargets(
    ctx,
    targets,
    (g) => ({
      method: 'POST',
      url: `/groups/${enc(g.id)}/owners/$ref`,
      body: { '@odata.id': `${GRAPH_REFERENCE_ROOT}/directoryObjects/${String(g.data?.newOwnerId ?? heir.id)}` },
    }),
    // "One or more added object references already exist for the following modified properties: 'owners'."
    (error) => (error.status === 400 && /already exist/i.test(error.message) ? { status: 'done', detail: 'already an owner' } : { status: 'failed', error }),
    () => ({ status: 'done', detail: `${heir.displayName} added as owner` }),
  );
};
