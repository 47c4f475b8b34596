// Sign-in back on. Read first: an account already enabled is left alone (nothing written).
import { enc, forEachTarget, type StepRunner } from '../context';
import { ALREADY_BACK, readOrUndefined } from './shared';

export const enableSignIn: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (person) => {
    const url = `/users/${enc(person.id)}`;
    const now = await readOrUndefined(() => ctx.graph.call<{ accountEnabled?: boolean }>({ method: 'GET', url: `${url}?$select=accountEnabled` }));
    if (now?.body.accountEnabled === true) {
      return ALREADY_BACK;
    }
    await ctx.graph.call({ method: 'PATCH', url, body: { accountEnabled: true } });
    return 'sign-in enabled';
  });
