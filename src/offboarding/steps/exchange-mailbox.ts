// Shared by the steps that run one Exchange cmdlet on the leaver's mailbox.
import type { M365Error } from '../../m365/errors';
import { EXCHANGE_ON_PREMISES } from '../planner/hybrid';
import { forEachTarget, type StepContext, type TargetOutcome } from './context';

export function onLeaverMailbox(
  ctx: StepContext,
  cmdlet: string,
  parameters: Record<string, unknown>,
  detail?: string,
  interpret?: (error: M365Error) => TargetOutcome,
): Promise<void> {
  const upn = ctx.people.leaver.userPrincipalName;
  return forEachTarget(
    ctx,
    ctx.step.targets,
    async () => {
      await ctx.exchange.invoke(cmdlet, { Identity: upn, ...parameters }, upn);
      return detail;
    },
    interpret,
  );
}

/**
 * Exchange's refusal of an attribute that on-premises AD masters for a synced mailbox: "The operation on mailbox … failed
 * because it's out of the current user's write scope. … because the object is being synchronized from your
 * on-premises organization. This action should be performed on the object in your on-premises organization."
 */
export function isOnPremisesRefusal(error: M365Error): boolean {
  return error.service === 'exchange' && /being synchroni[sz]ed from your on-premises organi[sz]ation/i.test(error.message);
}

/**
 * The plan skips these writes for a synced leaver when Get-Mailbox said IsExchangeCloudManaged false; when the
 * preflight could not read the mailbox the step tries, and Exchange's refusal is a skip with a follow-up, not a failure.
 */
export function onPremisesIsSkipped(followUp: string): (error: M365Error) => TargetOutcome {
  return (error) => (isOnPremisesRefusal(error) ? { status: 'skipped', detail: EXCHANGE_ON_PREMISES, followUp } : { status: 'failed', error });
}
