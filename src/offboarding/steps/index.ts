// Step kind → runner. `groups-left-in-place` has none: it is always a planned skip that only reports.
import type { StepKind } from '../plan';
import type { StepRunner } from './context';
import { autoReply } from './auto-reply';
import { awaitSharedMailbox } from './await-shared-mailbox';
import { blockSignIn } from './block-sign-in';
import { cancelMeetings } from './cancel-meetings';
import { clearInboxRules } from './clear-inbox-rules';
import { convertToShared } from './convert-to-shared';
import { deleteAccount } from './delete-account';
import { disableEntraDevices } from './disable-entra-devices';
import { disableMobileProtocols } from './disable-mobile-protocols';
import { dropGroupOwnerships } from './drop-group-ownerships';
import { grantFullAccess } from './grant-full-access';
import { grantSendAs } from './grant-send-as';
import { handOverOwnedGroups } from './hand-over-owned-groups';
import { hideFromAddressList } from './hide-from-address-list';
import { intuneDevices } from './intune-devices';
import { leaveDistributionLists } from './leave-distribution-lists';
import { leaveGroups } from './leave-groups';
import { leaveLicenceGroups } from './leave-licence-groups';
import { litigationHold } from './litigation-hold';
import { mailForwarding } from './mail-forwarding';
import { oneDriveAccess } from './onedrive-access';
import { removeDirectLicences } from './remove-direct-licences';
import { removeMfaMethods } from './remove-mfa-methods';
import { removeMobileMail } from './remove-mobile-mail';
import { resetPassword } from './reset-password';
import { revokeOAuthGrants } from './revoke-oauth-grants';
import { revokeSessions } from './revoke-sessions';

export const RUNNERS: Record<Exclude<StepKind, 'groups-left-in-place'>, StepRunner> = {
  'block-sign-in': blockSignIn,
  'reset-password': resetPassword,
  'revoke-sessions': revokeSessions,
  'litigation-hold': litigationHold,
  'convert-to-shared': convertToShared,
  'await-shared-mailbox': awaitSharedMailbox,
  'grant-full-access': grantFullAccess,
  'grant-send-as': grantSendAs,
  'auto-reply': autoReply,
  'mail-forwarding': mailForwarding,
  'hide-from-address-list': hideFromAddressList,
  'onedrive-access': oneDriveAccess,
  'hand-over-owned-groups': handOverOwnedGroups,
  'leave-groups': leaveGroups,
  'leave-distribution-lists': leaveDistributionLists,
  'drop-group-ownerships': dropGroupOwnerships,
  'intune-devices': intuneDevices,
  'disable-entra-devices': disableEntraDevices,
  'revoke-oauth-grants': revokeOAuthGrants,
  'remove-mfa-methods': removeMfaMethods,
  'clear-inbox-rules': clearInboxRules,
  'disable-mobile-protocols': disableMobileProtocols,
  'remove-mobile-mail': removeMobileMail,
  'cancel-meetings': cancelMeetings,
  'remove-direct-licences': removeDirectLicences,
  'leave-licence-groups': leaveLicenceGroups,
  'delete-account': deleteAccount,
};

export type { StepContext, StepRunner, EngineSettings } from './context';
export { DEFAULT_ENGINE_SETTINGS } from './context';
