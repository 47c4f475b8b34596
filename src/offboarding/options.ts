// The choices an operator can make on the request card, with the recommended defaults. A submit that carries only
// the leaver and the inheritor runs the recommended plan. Validated with zod at the edge (card data is user input).
import { z } from 'zod';
import { LIMITS, tooLong } from './limits';

export const INTUNE_DEVICE_ACTIONS = ['wipe-corporate-retire-personal', 'retire-all', 'leave'] as const;

/** Card inputs arrive as strings ("true"/"false") from Input.Toggle; accept real booleans too. */
const flag = (defaultValue: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(defaultValue);

export const optionsSchema = z
  .object({
    litigationHold: flag(true),
    convertToShared: flag(true),
    /** FullAccess for the inheritor, with automapping (the mailbox appears in their Outlook). */
    grantFullAccess: flag(true),
    grantSendAs: flag(false),
    autoReply: flag(true),
    /** Overrides the default auto-reply text, which names the inheritor. */
    autoReplyMessage: z.string().trim().max(LIMITS.autoReplyMessage, tooLong('the automatic reply text', LIMITS.autoReplyMessage)).optional().transform((v) => (v === '' ? undefined : v)),
    forwardToInheritor: flag(false),
    /** Remove existing mailbox forwarding and inbox rules (a forwarding rule is how mail leaks out). */
    clearForwardingAndInboxRules: flag(true),
    /** Turn off ActiveSync, POP and IMAP (MAPI, EWS and OWA stay: the inheritor reaches the shared mailbox through them)
     *  and remove the mail account from the leaver's ActiveSync phones. */
    disableMobileProtocols: flag(true),
    hideFromAddressList: flag(true),
    oneDriveAccess: flag(true),
    /** Leave groups; groups the leaver owns alone are handed to the manager first, then ownerships dropped. */
    leaveGroups: flag(true),
    /** Leave role-assignable groups (isAssignableToRole) too. Needs RoleManagement.ReadWrite.Directory, which lets the app
     *  assign itself any directory role; off: they are left in place with a follow-up for IT. */
    removeFromRoleAssignableGroups: flag(false),
    intuneDevices: z.enum(INTUNE_DEVICE_ACTIONS).default('wipe-corporate-retire-personal'),
    disableEntraDevices: flag(true),
    revokeOAuthGrants: flag(true),
    removeMfaMethods: flag(true),
    cancelMeetings: flag(false),
    removeLicences: flag(true),
    deleteAccount: flag(false),
  })
  .strict();

export type OffboardingOptions = z.output<typeof optionsSchema>;
export type OffboardingOptionsInput = z.input<typeof optionsSchema>;

export const DEFAULT_OPTIONS: OffboardingOptions = optionsSchema.parse({});

/** The option ids, in card order (the request card's input ids are these names). */
export const OPTION_IDS = Object.keys(optionsSchema.shape) as Array<keyof OffboardingOptions>;
