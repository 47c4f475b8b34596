// WIP-PLACEHOLDER: replaced by the reinstatement runners.
import type { ReinstateStepKind } from '../../plan';
import type { StepRunner } from '../context';

const notYet: StepRunner = () => Promise.reject(new Error('WIP-PLACEHOLDER'));
export const REINSTATE_RUNNERS: Record<ReinstateStepKind, StepRunner> = Object.fromEntries(
  ['restore-account', 'enable-sign-in', 'temporary-access-pass', 'restore-direct-licences', 'rejoin-licence-groups', 'mailbox-to-regular', 'remove-full-access', 'remove-send-as', 'auto-reply-off', 'show-in-address-list', 'restore-mobile-protocols', 'remove-onedrive-access', 'rejoin-groups', 'rejoin-distribution-lists', 'restore-group-ownerships', 'undo-group-handover', 'enable-entra-devices'].map((k) => [k, notYet]),
) as Record<ReinstateStepKind, StepRunner>;

export function issueTemporaryAccessPass(..._args: unknown[]): Promise<import('../../reinstate/pass-vault').HeldPass> {
  return Promise.reject(new Error('WIP-PLACEHOLDER'));
}
