// The inheritor gets edit access to the leaver's OneDrive (root), without an invitation mail.
import { M365Error } from '../../m365/errors';
import { enc, forEachTarget, type StepContext, type StepRunner } from './context';

export const oneDriveAccess: StepRunner = (ctx) => {
  const { leaver, inheritor } = ctx.people;
  return forEachTarget(ctx, ctx.step.targets, async (target) => {
    let driveId = typeof target.data?.driveId === 'string' ? target.data.driveId : undefined;
    if (driveId === undefined) {
      driveId = (await ctx.graph.call<{ id: string }>({ method: 'GET', url: `/users/${enc(leaver.id)}/drive?$select=id` })).body.id;
    }
    // Read first: access the inheritor already had is not the bot's doing, so a reinstatement leaves it.
    if (await alreadyShared(ctx, driveId)) {
      return 'already had access';
    }
    // https://learn.microsoft.com/graph/api/driveitem-invite
    await ctx.graph.call({
      method: 'POST',
      url: `/drives/${enc(driveId)}/root/invite`,
      body: { recipients: [{ email: inheritor.mail ?? inheritor.userPrincipalName }], roles: ['write'], requireSignIn: true, sendInvitation: false },
    });
  });
};

interface Permission {
  roles?: string[];
  grantedToV2?: { user?: { id?: string; email?: string } };
  grantedTo?: { user?: { id?: string; email?: string } };
}

/** The inheritor holds write (or owner) on the root already (driveitem-list-permissions); unreadable counts as no. */
async function alreadyShared(ctx: StepContext, driveId: string): Promise<boolean> {
  const { id, mail, userPrincipalName } = ctx.people.inheritor;
  const addresses = [mail, userPrincipalName].filter((a): a is string => a !== undefined).map((a) => a.toLowerCase());
  try {
    const permissions = await ctx.graph.list<Permission>(`/drives/${enc(driveId)}/root/permissions`);
    return permissions.some((p) => {
      const user = p.grantedToV2?.user ?? p.grantedTo?.user;
      const holder = user?.id === id || (user?.email !== undefined && addresses.includes(user.email.toLowerCase()));
      return holder && (p.roles ?? []).some((r) => r === 'write' || r === 'owner');
    });
  } catch (err) {
    if (err instanceof M365Error) {
      return false;
    }
    throw err;
  }
}
