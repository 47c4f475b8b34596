// The inheritor may send as the leaver. Read first, as for FullAccess (grant-full-access.ts).
import { forEachTarget, type StepRunner } from './context';
import { alreadyHad } from './mailbox-access';

export const grantSendAs: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const heir = ctx.people.inheritor.userPrincipalName;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    if (await alreadyHad(ctx, 'Get-RecipientPermission', { Identity: upn, Trustee: heir }, 'SendAs')) {
      return 'already had send-as';
    }
    await ctx.exchange.invoke('Add-RecipientPermission', { Identity: upn, Trustee: heir, AccessRights: ['SendAs'], Confirm: false }, upn);
  });
};
