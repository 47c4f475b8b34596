// The inheritor gets FullAccess with automapping: the mailbox appears in their Outlook by itself. Read first: access they
// already had is not the bot's doing, so a reinstatement leaves it (reinstate/planner.ts: "already had …").
import { forEachTarget, type StepRunner } from './context';
import { alreadyHad } from './mailbox-access';

export const grantFullAccess: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const heir = ctx.people.inheritor.userPrincipalName;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    if (await alreadyHad(ctx, 'Get-MailboxPermission', { Identity: upn, User: heir }, 'FullAccess')) {
      return 'already had full access';
    }
    await ctx.exchange.invoke('Add-MailboxPermission', { Identity: upn, User: heir, AccessRights: ['FullAccess'], InheritanceType: 'All', AutoMapping: true }, upn);
  });
};
