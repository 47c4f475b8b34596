// Reinstatement step kind → runner. Each undoes one kind of offboarding change and treats "already back" (or "already
// gone" for removals) as done, so a retry or a second reinstatement changes nothing (docs/ENGINE.md).
import type { ReinstateStepKind } from '../../plan';
import type { StepRunner } from '../context';
import { autoReplyOff } from './auto-reply-off';
import { enableEntraDevices } from './enable-entra-devices';
import { enableSignIn } from './enable-sign-in';
import { mailboxToRegular, restoreMobileProtocols, showInAddressList } from './mailbox';
import { removeFullAccess, removeSendAs } from './mailbox-permissions';
import { rejoinDistributionLists } from './rejoin-distribution-lists';
import { rejoinGroups, rejoinLicenceGroups } from './rejoin-groups';
import { removeOneDriveAccess } from './remove-onedrive-access';
import { restoreAccount } from './restore-account';
import { restoreDirectLicences } from './restore-direct-licences';
import { restoreGroupOwnerships } from './restore-group-ownerships';
import { temporaryAccessPass } from './temporary-access-pass';
import { undoGroupHandover } from './undo-group-handover';

export { issueTemporaryAccessPass, type PassSettings } from './temporary-access-pass';

export const REINSTATE_RUNNERS: Record<ReinstateStepKind, StepRunner> = {
  'restore-account': restoreAccount,
  'enable-sign-in': enableSignIn,
  'temporary-access-pass': temporaryAccessPass,
  'restore-direct-licences': restoreDirectLicences,
  'rejoin-licence-groups': rejoinLicenceGroups,
  'mailbox-to-regular': mailboxToRegular,
  'remove-full-access': removeFullAccess,
  'remove-send-as': removeSendAs,
  'auto-reply-off': autoReplyOff,
  'show-in-address-list': showInAddressList,
  'restore-mobile-protocols': restoreMobileProtocols,
  'remove-onedrive-access': removeOneDriveAccess,
  'rejoin-groups': rejoinGroups,
  'rejoin-distribution-lists': rejoinDistributionLists,
  'restore-group-ownerships': restoreGroupOwnerships,
  'undo-group-handover': undoGroupHandover,
  'enable-entra-devices': enableEntraDevices,
};
