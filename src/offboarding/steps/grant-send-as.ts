import { forEachTarget, type StepRunner } from './context';

export const grantSendAs: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    await ctx.exchange.invoke('Add-RecipientPermission', { Identity: upn, Trustee: ctx.people.inheritor.userPrincipalName, AccessRights: ['SendAs'], Confirm: false }, upn);
  });
};
