// The inheritor gets edit access to the leaver's OneDrive (root), without an invitation mail.
import { enc, forEachTarget, type StepRunner } from './context';

export const oneDriveAccess: StepRunner = (ctx) => {
  const { leaver, inheritor } = ctx.people;
  return forEachTarget(ctx, ctx.step.targets, async (target) => {
    let driveId = typeof target.data?.driveId === 'string' ? target.data.driveId : undefined;
    if (driveId === undefined) {
      driveId = (await ctx.graph.call<{ id: string }>({ method: 'GET', url: `/users/${enc(leaver.id)}/drive?$select=id` })).body.id;
    }
    // https://learn.microsoft.com/graph/api/driveitem-invite
    await ctx.graph.call({
      method: 'POST',
      url: `/drives/${enc(driveId)}/root/invite`,
      body: { recipients: [{ email: inheritor.mail ?? inheritor.userPrincipalName }], roles: ['write'], requireSignIn: true, sendInvitation: false },
    });
  });
};
