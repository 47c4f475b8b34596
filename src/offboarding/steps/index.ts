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
import { intuneAction, intuneDevices } from './intune-devices';
import { leaveDistributionLists } from './leave-distribution-lists';
import { leaveGroups } from './leave-groups';
import { leaveLicenceGroups } from './leave-licence-groups';
import { litigationHold } from './litigation-hold';
import { mailForwarding } from './mail-forwarding';
import { oneDriveAccess } from './onedrive-access';
import { removeDirectLicences } from './remove-direct-licences';
import { removeMfaMethods } from './remove-mfa-methods';
import { activeSyncAction, removeMobileMail } from './remove-mobile-mail';
import type { OneShotAction } from './one-shot';
import type { ExchangePort, GraphPort } from '../../m365/ports';
import type { RunPeople } from '../run';
import { resetPassword } from './reset-password';
import { revokeOAuthGrants } from './revoke-oauth-grants';
import { revokeSessions } from './revoke-sessions';
import { REINSTATE_RUNNERS } from './reinstate';

export const RUNNERS: Record<Exclude<StepKind, 'groups-left-in-place'>, StepRunner> = {
  ...REINSTATE_RUNNERS,
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

/**
 * The steps whose action must reach Microsoft 365 exactly once, with how each is sent and settled (one-shot.ts).
 * Every other step is safe to run again after a crash: docs/ENGINE.md says why for each.
 */
export const ONE_SHOT_ACTIONS = {
  'intune-devices': (ports: { graph: GraphPort }) => intuneAction(ports.graph),
  'remove-mobile-mail': (ports: { exchange: ExchangePort }, people: RunPeople) => activeSyncAction(ports.exchange, people.leaver.userPrincipalName),
} satisfies Partial<Record<StepKind, (ports: { graph: GraphPort; exchange: ExchangePort }, people: RunPeople) => OneShotAction>>;

export type OneShotStep = keyof typeof ONE_SHOT_ACTIONS;
export const ONE_SHOT_STEPS = Object.keys(ONE_SHOT_ACTIONS) as OneShotStep[];

export type { StepContext, StepRunner, EngineSettings } from './context';
export { DEFAULT_ENGINE_SETTINGS } from './context';
