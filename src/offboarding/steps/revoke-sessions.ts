// Contain, 3/3: revoke refresh tokens and session cookies, after the reset so nothing re-authenticates with the old
// password. Issued access tokens still live ~60-90 minutes; the block covers those.
import { enc, forEachTarget, type StepRunner } from './context';

export const revokeSessions: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (leaver) => {
    await ctx.graph.call({ method: 'POST', url: `/users/${enc(leaver.id)}/revokeSignInSessions` });
  });
