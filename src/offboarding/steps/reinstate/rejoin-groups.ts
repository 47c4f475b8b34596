// Back into the groups the offboarding removed the person from (group-post-members), in $batch. "already exist" (400):
// a member again, done. rejoin-licence-groups is the same request: the group assigns the licence again.
import { batchTargets, enc, type StepRunner } from '../context';
import { directoryRef, existingIsBack } from './shared';

export const rejoinGroups: StepRunner = (ctx) => {
  const ref = directoryRef(ctx.people.leaver.id);
  return batchTargets(ctx, ctx.step.targets, (g) => ({ method: 'POST', url: `/groups/${enc(g.id)}/members/$ref`, body: ref }), existingIsBack, () => ({ status: 'done', detail: 'member again' }));
};

export const rejoinLicenceGroups: StepRunner = rejoinGroups;
