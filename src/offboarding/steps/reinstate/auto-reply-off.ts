// The offboarding's automatic reply goes off (user-update-mailboxsettings). Read first: a reply already off is left
// alone; a failed read does not block the write.
import { enc, forEachTarget, type StepRunner } from '../context';
import { ALREADY_BACK, readOrUndefined } from './shared';

export const autoReplyOff: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (person) => {
    const url = `/users/${enc(person.id)}/mailboxSettings`;
    const now = await readOrUndefined(() => ctx.graph.call<{ status?: string }>({ method: 'GET', url: `${url}/automaticRepliesSetting` }));
    if (now?.body.status === 'disabled') {
      return ALREADY_BACK;
    }
    await ctx.graph.call({ method: 'PATCH', url, body: { automaticRepliesSetting: { status: 'disabled' } } });
    return 'automatic reply off';
  });
