// The inheritor gets FullAccess with automapping: the mailbox appears in their Outlook by itself.
import { forEachTarget, type StepRunner } from './context';

export const grantFullAccess: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    await ctx.exchange.invoke(
      'Add-MailboxPermission',
      { Identity: upn, User: ctx.people.inheritor.userPrincipalName, AccessRights: ['FullAccess'], InheritanceType: 'All', AutoMapping: true },
      upn,
    );
  });
};
