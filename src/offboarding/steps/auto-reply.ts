// Automatic reply through Graph's mailboxSettings (one of the few mailbox changes Graph can make).
import { enc, forEachTarget, type StepRunner } from './context';

export function defaultAutoReply(leaverName: string, inheritorName: string, inheritorAddress: string): string {
  return `${leaverName} no longer works here. Please contact ${inheritorName} (${inheritorAddress}), who is taking over.`;
}

export const autoReply: StepRunner = (ctx) => {
  const { leaver, inheritor } = ctx.people;
  const message = ctx.options.autoReplyMessage ?? defaultAutoReply(leaver.displayName, inheritor.displayName, inheritor.mail ?? inheritor.userPrincipalName);
  return forEachTarget(ctx, ctx.step.targets, async () => {
    await ctx.graph.call({
      method: 'PATCH',
      url: `/users/${enc(leaver.id)}/mailboxSettings`,
      body: {
        automaticRepliesSetting: { status: 'alwaysEnabled', externalAudience: 'all', internalReplyMessage: message, externalReplyMessage: message },
      },
    });
  });
};
