// What a reinstatement is planned from: the offboarding as the store has it (its plan, and what its run recorded for
// each target) and a fresh read-only look at the person now (reinstate/preflight.ts). Nothing here talks to Microsoft 365.
import type { OffboardingRequest } from '../requests';
import type { ItemRecord, StepState } from '../run';
import type { ReadWarning } from '../snapshot';

/** The offboarding's run as stored: each step's end state and each target's record (the idempotency ledger). */
export interface OffboardingOutcome {
  request: OffboardingRequest;
  steps: StepState[];
  /** step kind → target id → its record. */
  items: Record<string, Record<string, ItemRecord>>;
}

export interface TapPolicy {
  enabled: boolean;
  /** The person is in the policy's include targets (all users, or a group they are in) and not excluded. */
  appliesToPerson: boolean | undefined;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface SkuSeats {
  skuId: string;
  skuPartNumber?: string;
  /** prepaidUnits.enabled − consumedUnits. */
  free: number;
}

/** The person now. A part that could not be read is undefined, with a ReadWarning; the step reads again when it runs. */
export interface ReinstateSnapshot {
  takenAt: string;
  /** 'deleted': in Entra's deleted items (restorable until 30 days after deletedAt); 'gone': neither there nor in /users. */
  account: 'active' | 'deleted' | 'gone';
  deletedAt?: string;
  accountEnabled?: boolean;
  onPremisesSyncEnabled?: boolean;
  /** SKU ids assigned now (directly or through a group). */
  skuIds?: string[];
  seats?: SkuSeats[];
  /** Direct group memberships and ownerships now (ids). */
  memberOf?: string[];
  ownerOf?: string[];
  /** Registered devices and whether each is enabled now. */
  devices?: Record<string, boolean>;
  /** Get-Mailbox now; null: no mailbox (a deleted account's mailbox is soft-deleted with it). */
  mailbox?: { recipientTypeDetails: string; hiddenFromAddressLists: boolean } | null;
  tapPolicy?: TapPolicy;
  readWarnings: ReadWarning[];
}

/** Entra keeps a deleted user this long; then it is gone for good. */
export const RESTORE_WINDOW_DAYS = 30;
