// Owner again of the groups whose ownership the offboarding dropped (group-post-owners), in $batch; "already exist":
// an owner already, done.
import { batchTargets, enc, type StepRunner } from '../context';
import { directoryRef, existingIsBack } from './shared';

export const restoreGroupOwnerships: StepRunner = (ctx) => {
  const ref = directoryRef(ctx.people.leaver.id);
  return batchTargets(ctx, ctx.step.targets, (g) => ({ method: 'POST', url: `/groups/${enc(g.id)}/owners/$ref`, body: ref }), existingIsBack, () => ({ status: 'done', detail: 'owner again' }));
};
