// Contain, 1/3: block sign-in. Blocking takes a while to reach every service, hence the reset and revoke after it.
import { enc, forEachTarget, type StepRunner } from './context';

export const blockSignIn: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (leaver) => {
    await ctx.graph.call({ method: 'PATCH', url: `/users/${enc(leaver.id)}`, body: { accountEnabled: false } });
  });
