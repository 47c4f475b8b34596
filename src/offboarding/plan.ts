// The plan: ordered steps with their dependencies, targets and counts, the warnings the approver must see, and any
// refusal that makes the plan impossible to approve. Produced by the pure planner; run by the executor.
import type { OffboardingOptions } from './options';

export type Phase = 'contain' | 'preserve' | 'remove' | 'licences' | 'account' | 'reinstate';

/** One kind of action each; the order here is the display order. */
export const STEP_KINDS = [
  // contain
  'block-sign-in',
  'reset-password',
  'revoke-sessions',
  // preserve
  'litigation-hold',
  'convert-to-shared',
  'await-shared-mailbox',
  'grant-full-access',
  'grant-send-as',
  'auto-reply',
  'mail-forwarding',
  'hide-from-address-list',
  'onedrive-access',
  'hand-over-owned-groups',
  // remove access
  'leave-groups',
  'leave-distribution-lists',
  'drop-group-ownerships',
  'groups-left-in-place',
  'intune-devices',
  'disable-entra-devices',
  'revoke-oauth-grants',
  'remove-mfa-methods',
  'clear-inbox-rules',
  'remove-mobile-mail',
  'disable-mobile-protocols',
  'cancel-meetings',
  // licences
  'remove-direct-licences',
  'leave-licence-groups',
  // account
  'delete-account',
] as const;

export type OffboardingStepKind = (typeof STEP_KINDS)[number];

/**
 * A reinstatement's steps (reinstate/planner.ts), in display order: the account before everything, a licence before
 * the mailbox type. Each undoes only what the offboarding's run recorded as done, and leaves alone what is back.
 */
export const REINSTATE_STEP_KINDS = [
  'restore-account',
  'enable-sign-in',
  'temporary-access-pass',
  'restore-direct-licences',
  'rejoin-licence-groups',
  'mailbox-to-regular',
  'remove-full-access',
  'remove-send-as',
  'auto-reply-off',
  'show-in-address-list',
  'restore-mobile-protocols',
  'remove-onedrive-access',
  'rejoin-groups',
  'rejoin-distribution-lists',
  'restore-group-ownerships',
  'undo-group-handover',
  'enable-entra-devices',
] as const;

export type ReinstateStepKind = (typeof REINSTATE_STEP_KINDS)[number];
export type StepKind = OffboardingStepKind | ReinstateStepKind;

/** Something a step acts on: a group, a device, a method, a licence, or the leaver's account itself. */
export interface Target {
  id: string;
  label: string;
  /** Step-specific facts the runner needs (e.g. a group's kind, a device's ownership, a method's type). */
  data?: Record<string, string | number | boolean | null>;
}

export interface PlannedStep {
  kind: StepKind;
  phase: Phase;
  /** "Leave 98 groups" — counts included. */
  title: string;
  dependsOn: StepKind[];
  /** Of dependsOn, the steps that only come first: their failure does not stop this one. */
  orderOnly?: StepKind[];
  targets: Target[];
  /** Decided up front: the step will not run, and why ("already done", "not chosen", ...). */
  skip?: string;
  /** Targets are read when the step runs (the preflight could not read them; see the plan's warnings). */
  readAtRun?: boolean;
  /** Step-level facts for the runner (e.g. whether the kept mailbox needs an Exchange Online Plan 2 licence). */
  params?: Record<string, string | number | boolean | null>;
  /** Round trips the step needs one after another (for the benchmark's critical-path bound). */
  rounds: number;
  /** Targets deliberately left alone, each with its reason (e.g. dynamic and on-premises groups). */
  untouched?: Array<Target & { reason: string }>;
}

export interface PlanWarning {
  code:
    | 'read-failed'
    | 'synced-user'
    | 'directory-roles'
    | 'role-assignable-groups'
    | 'directory-roles-unknown'
    | 'group-licences'
    | 'groups-left-in-place'
    | 'large-mailbox'
    | 'hold-needs-licence'
    | 'hold-licence-missing'
    | 'no-manager'
    | 'non-windows-devices'
    | 'tap-policy'
    | 'licence-seats'
    | 'account-state';
  message: string;
}

/** Work IT must do by hand, named in the summary (e.g. disable a synced user in on-premises AD). */
export interface FollowUp {
  message: string;
}

export interface Plan {
  leaverId: string;
  inheritorId: string;
  options: OffboardingOptions;
  steps: PlannedStep[];
  warnings: PlanWarning[];
  followUps: FollowUp[];
  /** Non-empty: the plan must not be approved; each says why. */
  refusals: string[];
  /** A reinstatement's plan: what the offboarding did that can't be undone, each with why (card and summary). */
  notRestorable?: NotRestorable[];
}

export interface NotRestorable {
  /** "3 MFA methods", "Inbox rule \"Forward to gmail\" (forwarded to x@gmail.com)". */
  what: string;
  why: string;
}

/** Exchange Online (Plan 2): the service plan a shared mailbox on hold, with an archive, or over 50 GB needs. */
export const EXCHANGE_PLAN2_SERVICE_PLAN_ID = 'efb87545-963c-4e0d-99df-69c6916d9eb0';
/** Shared mailboxes over this size need a licence. */
export const SHARED_MAILBOX_FREE_LIMIT_BYTES = 50 * 1024 ** 3;
