// Contain, 2/3: a random password nobody sees, so nothing signs in again with the old one.
import { enc, forEachTarget, type StepRunner } from './context';

export const resetPassword: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (leaver) => {
    // The passwordProfile body is redacted from logs and never part of a CallRecord.
    await ctx.graph.call({
      method: 'PATCH',
      url: `/users/${enc(leaver.id)}`,
      body: { passwordProfile: { password: ctx.newPassword(), forceChangePasswordNextSignIn: true } },
    });
  });
