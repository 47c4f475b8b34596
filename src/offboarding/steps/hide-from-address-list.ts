import { hideInAdFollowUp } from '../planner/hybrid';
import type { StepRunner } from './context';
import { onLeaverMailbox, onPremisesIsSkipped } from './exchange-mailbox';

export const hideFromAddressList: StepRunner = (ctx) => {
  const { displayName, userPrincipalName } = ctx.people.leaver;
  return onLeaverMailbox(ctx, 'Set-Mailbox', { HiddenFromAddressListsEnabled: true }, undefined, onPremisesIsSkipped(hideInAdFollowUp(displayName, userPrincipalName).message));
};
