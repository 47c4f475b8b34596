// The deleted account comes back from the directory's deleted items (kept 30 days; directory-deleteditem-restore).
// A 404 may mean it is back already (restored by hand, or an earlier attempt whose answer was lost): reading the user
// settles it.
import { M365Error } from '../../../m365/errors';
import { enc, forEachTarget, type StepRunner } from '../context';
import { ALREADY_BACK } from './shared';

export const restoreAccount: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (person) => {
    try {
      await ctx.graph.call({ method: 'POST', url: `/directory/deletedItems/${enc(person.id)}/restore` });
      return 'restored';
    } catch (err) {
      if (!(err instanceof M365Error) || err.status !== 404) {
        throw err;
      }
      try {
        await ctx.graph.call({ method: 'GET', url: `/users/${enc(person.id)}?$select=id` });
      } catch (readErr) {
        // Not deleted and not a user either: the restore's own 404 says why.
        throw readErr instanceof M365Error && readErr.status === 404 ? err : readErr;
      }
      return ALREADY_BACK;
    }
  });
