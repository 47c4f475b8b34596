// The heir (manager or inheritor) the offboarding made owner — and, on a group with a team, member — of a group the
// leaver owned alone loses only what the offboarding added (data.owner / data.member), in one $batch. 404: already
// gone. Graph refuses removing a group's last owner (400): recorded as it is; the planner runs this after
// restore-group-ownerships so the person reinstated owns the group again first.
import { M365Error } from '../../../m365/errors';
import type { GraphRequest, GraphResult } from '../../../m365/ports';
import { alreadyFinished, enc, recordOutcome, type StepRunner, type TargetOutcome } from '../context';
import { ALREADY_GONE } from './shared';

type Answer = GraphResult | M365Error | undefined;

export const undoGroupHandover: StepRunner = async (ctx) => {
  const targets = ctx.step.targets.filter((t) => !alreadyFinished(ctx, t));
  const requests: GraphRequest[] = [];
  const slots = targets.map((g) => {
    const heirId = String(g.data?.heirId ?? '');
    const owner = g.data?.owner === true ? requests.push({ method: 'DELETE', url: `/groups/${enc(g.id)}/owners/${enc(heirId)}/$ref` }) - 1 : undefined;
    const member = g.data?.member === true ? requests.push({ method: 'DELETE', url: `/groups/${enc(g.id)}/members/${enc(heirId)}/$ref` }) - 1 : undefined;
    return { owner, member };
  });
  const results = requests.length ? await ctx.graph.batch(requests) : [];
  await Promise.all(
    targets.map((g, i) => {
      const { owner, member } = slots[i]!;
      const heir = [ctx.people.manager, ctx.people.inheritor].find((p) => p?.id === g.data?.heirId)?.displayName ?? 'the heir';
      return recordOutcome(ctx, g, judge(heir, owner === undefined ? undefined : results[owner], member === undefined ? undefined : results[member]));
    }),
  );
};

function judge(heir: string, owner: Answer, member: Answer): TargetOutcome {
  for (const r of [owner, member]) {
    if (r instanceof M365Error && r.status !== 404) {
      return { status: 'failed', error: r };
    }
  }
  const removed = [owner && !(owner instanceof M365Error) ? 'owner' : '', member && !(member instanceof M365Error) ? 'member' : ''].filter(Boolean);
  return { status: 'done', detail: removed.length ? `${heir} removed as ${removed.join(' and ')}` : ALREADY_GONE };
}
