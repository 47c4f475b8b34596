// Shared by the steps that run one Exchange cmdlet on the leaver's mailbox.
import { forEachTarget, type StepContext } from './context';

export function onLeaverMailbox(ctx: StepContext, cmdlet: string, parameters: Record<string, unknown>, detail?: string): Promise<void> {
  const upn = ctx.people.leaver.userPrincipalName;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    await ctx.exchange.invoke(cmdlet, { Identity: upn, ...parameters }, upn);
    return detail;
  });
}
