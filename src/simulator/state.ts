// The live state of the simulated tenant: a deep copy of the seed plus what has happened since (deletions, pending
// mailbox conversions, device actions, consequences). Graph and Exchange handlers share it, so a change made through
// one service is seen by the other, as in a real tenant.
import type {
  DirectoryRoleRecord,
  GroupRecord,
  MailboxRecord,
  MailboxType,
  SeedTenant,
  SkuRecord,
  TemporaryAccessPassPolicy,
  UserRecord,
} from './types';

/**
 * Microsoft's defaults for the Temporary Access Pass policy ("Configure Temporary Access Pass in Microsoft Entra ID":
 * minimum lifetime 1 hour, maximum 8 hours, default 1 hour, one-time use off, length 8), enabled for all users here.
 */
export const DEFAULT_TAP_POLICY: TemporaryAccessPassPolicy = {
  id: 'TemporaryAccessPass',
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
  includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
  excludeTargets: [],
};

/** "A recently deleted item remains available for up to 30 days. After 30 days, the item is permanently deleted." (directory-deleteditems-restore) */
export const DELETED_ITEM_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** Exchange Online service plans that give a user a mailbox; EXCHANGE_S_FOUNDATION does not. */
export const EXCHANGE_MAILBOX_PLANS = new Set(['EXCHANGE_S_ENTERPRISE', 'EXCHANGE_S_STANDARD', 'EXCHANGE_S_DESKLESS']);
/** Exchange Online Plan 2: what litigation hold (and a shared mailbox over 50 GB) needs. */
export const EXCHANGE_PLAN_2 = 'EXCHANGE_S_ENTERPRISE';
const SHARED_MAILBOX_FREE_LIMIT = 50 * 1024 ** 3;

/**
 * Roles a User Administrator may manage users in (docs: "Privileged roles and permissions in Microsoft Entra ID",
 * "Who can reset passwords"). The simulated app acts with User Administrator: writes to the account, password or
 * deletion of someone holding any other role answer 403 as Graph does.
 */
const ROLES_USER_ADMIN_CAN_MANAGE = new Set([
  '729827e3-9c14-49f7-bb1b-9608f156bbb8', // Helpdesk Administrator
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', // Directory Readers
  '95e79109-95c0-4d8e-aee3-d01accf2d47b', // Guest Inviter
  '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b', // Message Center Reader
  '4a5d8f65-41da-4de4-8968-e035b65339cf', // Reports Reader
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
  '966707d0-3269-4727-9be2-8c3a10f19b9d', // Password Administrator
  '75934031-6c7e-415a-99d7-48dbd49e875e', // Usage Summary Reports Reader
]);

/**
 * What the simulated app holds besides the required grants of infra/permissions.json and the User Administrator and
 * Exchange Administrator roles, i.e. what docs/DEPLOYMENT.md grants by default. Both off unless a test says otherwise.
 */
export interface AppGrants {
  /** Graph RoleManagement.ReadWrite.Directory (optional): changing a role-assignable group's members needs it. */
  roleManagementWrite: boolean;
  /** The Privileged Authentication Administrator role: may write any user's account, password and existence. */
  privilegedAuthenticationAdministrator: boolean;
}

export const DEFAULT_APP_GRANTS: AppGrants = { roleManagementWrite: false, privilegedAuthenticationAdministrator: false };

export interface LicenceState {
  skuId: string;
  disabledPlans: string[];
  assignedByGroup: string | null;
  state: 'Active';
  error: 'None';
  lastUpdatedDateTime: string;
}

export interface Consequence {
  time: string;
  userId: string;
  kind: 'mailboxMarkedForDeletion' | 'holdWithoutPlan2' | 'sharedMailboxOverFreeLimitWithoutLicence' | 'mailboxDeletedWithAccount' | 'licenceNotRestored';
  detail: string;
}

export interface DeletedUser {
  user: UserRecord;
  deletedDateTime: string;
  memberOf: string[];
  ownerOf: string[];
  roles: string[];
}

export interface ActionCounters {
  /** managedDevice id → how many times wipe was sent. Tests assert "never twice". */
  wipe: Record<string, number>;
  retire: Record<string, number>;
  /** EAS device Guid → Clear-MobileDevice count. */
  clearMobileDevice: Record<string, number>;
  revokeSignInSessions: Record<string, number>;
  passwordResets: Record<string, number>;
  removeCalendarEvents: Record<string, number>;
}

/** What state() and GET /_simulator/state return. */
export interface StateDump extends SeedTenant {
  deletedUsers: Array<{ id: string; userPrincipalName: string; deletedDateTime: string }>;
  softDeletedMailboxes: string[];
  pendingConversions: Record<string, { type: MailboxType; requestedAt: string; visibleAt: string }>;
  consequences: Consequence[];
  actions: ActionCounters;
  /**
   * Owners added through Graph to a group with a team who are not (or no longer) its members: they can't manage the
   * team ("the owner also needs to be added as a group/team member", group-post-owners). Graph accepts the owner all
   * the same, so this is recorded, not refused.
   */
  teamOwnersNotMembers: Array<{ groupId: string; groupName: string; userId: string }>;
}

export class TenantState {
  readonly data: SeedTenant;
  readonly deletedUsers = new Map<string, DeletedUser>();
  readonly softDeletedMailboxes = new Map<string, MailboxRecord>();
  /** userId → the mailbox type Exchange has accepted but Get-Mailbox does not show yet. */
  readonly pendingConversions = new Map<string, { type: MailboxType; requestedAt: number; visibleAt: number }>();
  readonly consequences: Consequence[] = [];
  /** `groupId userId` of owners added through Graph to a group with a team (see StateDump.teamOwnersNotMembers). */
  readonly teamOwnersAdded = new Set<string>();
  readonly actions: ActionCounters = { wipe: {}, retire: {}, clearMobileDevice: {}, revokeSignInSessions: {}, passwordResets: {}, removeCalendarEvents: {} };
  /** Test-only: the next N password resets (PATCH passwordProfile) answer 403 (SimulatedTenant.failNextPasswordResets). */
  failPasswordResets = 0;
  /** The simulated app's grants beyond the guide's defaults (tests change them: SimulatedTenant.setAppGrants). */
  appGrants: AppGrants = { ...DEFAULT_APP_GRANTS };
  /** Test-only: how far the tenant's clock runs ahead of the real one (SimulatedTenant.advanceClock). */
  clockOffsetMs = 0;
  /** Temporary Access Passes the tenant issued (test-only accessor: SimulatedTenant.issuedSecrets). */
  readonly issuedSecrets: string[] = [];
  readonly now: () => number;
  private usersById = new Map<string, UserRecord>();
  private groupsById = new Map<string, GroupRecord>();

  constructor(
    seed: SeedTenant,
    baseNow: () => number = Date.now,
  ) {
    this.data = structuredClone(seed);
    this.data.temporaryAccessPassPolicy ??= structuredClone(DEFAULT_TAP_POLICY);
    this.now = () => baseNow() + this.clockOffsetMs;
    this.reindex();
  }

  reindex(): void {
    this.usersById = new Map(this.data.users.map((u) => [u.id.toLowerCase(), u]));
    this.groupsById = new Map(this.data.groups.map((g) => [g.id.toLowerCase(), g]));
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- lookups ----

  /** A user by object id or userPrincipalName (case-insensitive), as /users/{id | userPrincipalName} accepts. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const key = idOrUpn.toLowerCase();
    return this.usersById.get(key) ?? this.data.users.find((u) => u.userPrincipalName.toLowerCase() === key);
  }

  findGroup(id: string): GroupRecord | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  findRole(id: string): DirectoryRoleRecord | undefined {
    return this.data.directoryRoles.find((r) => r.id === id || r.roleTemplateId === id);
  }

  findSku(skuId: string): SkuRecord | undefined {
    return this.data.subscribedSkus.find((s) => s.skuId.toLowerCase() === skuId.toLowerCase());
  }

  objectKind(id: string): 'user' | 'group' | 'directoryRole' | 'device' | 'servicePrincipal' | undefined {
    if (this.usersById.has(id.toLowerCase())) {
      return 'user';
    }
    if (this.groupsById.has(id.toLowerCase())) {
      return 'group';
    }
    if (this.findRole(id)) {
      return 'directoryRole';
    }
    if (this.data.devices.some((d) => d.id === id)) {
      return 'device';
    }
    if (this.data.servicePrincipals.some((s) => s.id === id)) {
      return 'servicePrincipal';
    }
    return undefined;
  }

  // ---- membership ----

  directGroups(objectId: string): GroupRecord[] {
    return this.data.groups.filter((g) => g.members.includes(objectId));
  }

  /** Every group the object is in, directly or through nested groups. */
  transitiveGroups(objectId: string): GroupRecord[] {
    const seen = new Map<string, GroupRecord>();
    const queue = [objectId];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const g of this.directGroups(current)) {
        if (!seen.has(g.id)) {
          seen.set(g.id, g);
          queue.push(g.id);
        }
      }
    }
    return [...seen.values()];
  }

  directRoles(objectId: string): DirectoryRoleRecord[] {
    return this.data.directoryRoles.filter((r) => r.members.includes(objectId));
  }

  /** Roles held directly or through role-assignable groups. */
  transitiveRoles(objectId: string): DirectoryRoleRecord[] {
    const holders = new Set([objectId, ...this.transitiveGroups(objectId).map((g) => g.id)]);
    return this.data.directoryRoles.filter((r) => r.members.some((m) => holders.has(m)));
  }

  ownedGroups(userId: string): GroupRecord[] {
    return this.data.groups.filter((g) => g.owners.includes(userId));
  }

  /**
   * True when the app (a User Administrator, unless granted Privileged Authentication Administrator) may not write this
   * user's account, password or existence: someone holding a role beyond the User Administrator's reach, or a member
   * or owner of a role-assignable group ("you must be assigned at least the Privileged Authentication Administrator
   * role to change the credentials, reset MFA, or modify sensitive attributes for members and owners of a
   * role-assignable group": groups-concept).
   */
  isBeyondUserAdministrator(userId: string): boolean {
    if (this.appGrants.privilegedAuthenticationAdministrator) {
      return false;
    }
    const inRoleAssignableGroup = this.data.groups.some((g) => g.isAssignableToRole === true && (g.members.includes(userId) || g.owners.includes(userId)));
    return inRoleAssignableGroup || this.transitiveRoles(userId).some((r) => !ROLES_USER_ADMIN_CAN_MANAGE.has(r.roleTemplateId));
  }

  /** A directory role (by id) a User Administrator may not manage holders of. */
  isRoleBeyondUserAdministrator(roleId: string): boolean {
    const role = this.findRole(roleId);
    return role !== undefined && !ROLES_USER_ADMIN_CAN_MANAGE.has(role.roleTemplateId);
  }

  // ---- licences ----

  /** licenseAssignmentStates: direct assignments, then one entry per licence-assigning group the user is directly in. */
  licenceStates(user: UserRecord): LicenceState[] {
    const at = user.createdDateTime;
    const states: LicenceState[] = user.assignedLicenses.map((l) => ({
      skuId: l.skuId,
      disabledPlans: [...l.disabledPlans],
      assignedByGroup: null,
      state: 'Active',
      error: 'None',
      lastUpdatedDateTime: at,
    }));
    for (const g of this.directGroups(user.id)) {
      for (const l of g.assignedLicenses) {
        states.push({ skuId: l.skuId, disabledPlans: [...l.disabledPlans], assignedByGroup: g.id, state: 'Active', error: 'None', lastUpdatedDateTime: at });
      }
    }
    return states;
  }

  /** assignedLicenses as Graph shows it: one entry per SKU whatever the number of assignment paths. */
  assignedLicenses(user: UserRecord): { skuId: string; disabledPlans: string[] }[] {
    const bySku = new Map<string, { skuId: string; disabledPlans: string[] }>();
    for (const s of this.licenceStates(user)) {
      if (!bySku.has(s.skuId)) {
        bySku.set(s.skuId, { skuId: s.skuId, disabledPlans: s.disabledPlans });
      }
    }
    return [...bySku.values()];
  }

  /** Names of the enabled service plans the user has from any licence. */
  servicePlanNames(user: UserRecord): Set<string> {
    const names = new Set<string>();
    for (const s of this.licenceStates(user)) {
      const sku = this.findSku(s.skuId);
      for (const p of sku?.servicePlans ?? []) {
        if (!s.disabledPlans.includes(p.servicePlanId)) {
          names.add(p.servicePlanName);
        }
      }
    }
    return names;
  }

  consumedUnits(skuId: string): number {
    return this.data.users.filter((u) => this.assignedLicenses(u).some((l) => l.skuId === skuId)).length;
  }

  // ---- mailboxes ----

  mailboxOf(userId: string): MailboxRecord | undefined {
    return this.data.mailboxes.find((m) => m.userId === userId);
  }

  /** Applies a conversion once its delay has passed; Get-Mailbox and mailboxSettings read through this. */
  visibleType(mailbox: MailboxRecord): MailboxType {
    const pending = this.pendingConversions.get(mailbox.userId);
    if (pending && pending.visibleAt <= this.now()) {
      mailbox.RecipientTypeDetails = pending.type;
      this.pendingConversions.delete(mailbox.userId);
    }
    return mailbox.RecipientTypeDetails;
  }

  /**
   * Re-evaluates what a licence or mailbox change leaves behind, as Exchange Online would:
   * - a mailbox that is still a user mailbox and has lost its last Exchange licence is disconnected after the grace
   *   period ("Remove licenses from users": the mailbox is deleted after 30 days);
   * - litigation hold, or a shared mailbox over 50 GB, needs Exchange Online Plan 2 ("Shared mailboxes" licensing).
   */
  evaluateConsequences(userId: string, cause: string): void {
    const user = this.findUser(userId);
    const mailbox = this.mailboxOf(userId);
    if (!user || !mailbox) {
      return;
    }
    const plans = this.servicePlanNames(user);
    const hasMailboxPlan = [...plans].some((p) => EXCHANGE_MAILBOX_PLANS.has(p));
    const type = this.visibleType(mailbox);
    if (type === 'UserMailbox' && !hasMailboxPlan) {
      this.addConsequence(userId, 'mailboxMarkedForDeletion', `${cause}: the last Exchange Online licence was removed while the mailbox is still a UserMailbox`);
    }
    if (mailbox.LitigationHoldEnabled && !plans.has(EXCHANGE_PLAN_2)) {
      this.addConsequence(userId, 'holdWithoutPlan2', `${cause}: litigation hold is on and no licence carries Exchange Online Plan 2`);
    }
    if (type === 'SharedMailbox' && mailbox.totalItemSizeBytes > SHARED_MAILBOX_FREE_LIMIT && !plans.has(EXCHANGE_PLAN_2)) {
      this.addConsequence(userId, 'sharedMailboxOverFreeLimitWithoutLicence', `${cause}: shared mailbox over 50 GB without Exchange Online Plan 2`);
    }
  }

  addConsequence(userId: string, kind: Consequence['kind'], detail: string): void {
    if (!this.consequences.some((c) => c.userId === userId && c.kind === kind)) {
      this.consequences.push({ time: this.isoNow(), userId, kind, detail });
    }
  }

  count(counter: Record<string, number>, key: string): void {
    counter[key] = (counter[key] ?? 0) + 1;
  }

  // ---- deletion ----

  tapPolicy(): TemporaryAccessPassPolicy {
    return (this.data.temporaryAccessPassPolicy ??= structuredClone(DEFAULT_TAP_POLICY));
  }

  /** Deleted users past the 30 days are gone for good, with their soft-deleted mailbox. */
  purgeExpiredDeletions(): void {
    for (const [id, d] of this.deletedUsers) {
      if (Date.parse(d.deletedDateTime) + DELETED_ITEM_RETENTION_MS <= this.now()) {
        this.deletedUsers.delete(id);
        this.softDeletedMailboxes.delete(id);
      }
    }
  }

  deleteUser(user: UserRecord): void {
    const deleted: DeletedUser = {
      user,
      deletedDateTime: this.isoNow(),
      memberOf: this.directGroups(user.id).map((g) => g.id),
      ownerOf: this.ownedGroups(user.id).map((g) => g.id),
      roles: this.directRoles(user.id).map((r) => r.id),
    };
    for (const g of this.data.groups) {
      g.members = g.members.filter((m) => m !== user.id);
      g.owners = g.owners.filter((m) => m !== user.id);
    }
    for (const r of this.data.directoryRoles) {
      r.members = r.members.filter((m) => m !== user.id);
    }
    this.data.users = this.data.users.filter((u) => u.id !== user.id);
    const mailbox = this.mailboxOf(user.id);
    if (mailbox) {
      // Deleting the account deletes its mailbox too, shared or not ("Convert a user mailbox to a shared mailbox").
      if (this.visibleType(mailbox) === 'SharedMailbox') {
        this.addConsequence(user.id, 'mailboxDeletedWithAccount', 'the account of a shared mailbox was deleted: the mailbox is soft-deleted with it');
      }
      this.data.mailboxes = this.data.mailboxes.filter((m) => m !== mailbox);
      this.softDeletedMailboxes.set(user.id, mailbox);
    }
    this.deletedUsers.set(user.id, deleted);
    this.reindex();
  }

  /**
   * What a restore brings back: the account with its properties (manager included), its group memberships and
   * ownerships, roles, its mailbox (soft-deleted with it), and its licences. Deleting a user frees its licences ("When
   * an administrator deletes a user account, the assigned Microsoft 365 license for that user becomes available":
   * Microsoft Learn, "Recover deleted user accounts in Microsoft 365"), so a licence whose seats were taken meanwhile
   * cannot come back: it is dropped and recorded as a consequence (a real tenant shows it as an assignment error).
   */
  restoreUser(id: string): UserRecord | undefined {
    const deleted = this.deletedUsers.get(id);
    if (!deleted) {
      return undefined;
    }
    this.deletedUsers.delete(id);
    const lost = deleted.user.assignedLicenses.filter((l) => {
      const sku = this.findSku(l.skuId);
      return !sku || this.consumedUnits(sku.skuId) >= sku.prepaidUnits.enabled;
    });
    deleted.user.assignedLicenses = deleted.user.assignedLicenses.filter((l) => !lost.includes(l));
    for (const l of lost) {
      this.addConsequence(id, 'licenceNotRestored', `restore: no free seat of ${this.findSku(l.skuId)?.skuPartNumber ?? l.skuId}, the licence was not restored`);
    }
    this.data.users.push(deleted.user);
    for (const g of this.data.groups) {
      if (deleted.memberOf.includes(g.id)) {
        g.members.push(id);
      }
      if (deleted.ownerOf.includes(g.id)) {
        g.owners.push(id);
      }
    }
    for (const r of this.data.directoryRoles) {
      if (deleted.roles.includes(r.id)) {
        r.members.push(id);
      }
    }
    const mailbox = this.softDeletedMailboxes.get(id);
    if (mailbox) {
      this.softDeletedMailboxes.delete(id);
      this.data.mailboxes.push(mailbox);
    }
    this.reindex();
    return deleted.user;
  }

  /** A JSON-serialisable picture of everything, for tests and the control API. */
  dump(): StateDump {
    for (const m of this.data.mailboxes) {
      this.visibleType(m);
    }
    return {
      ...structuredClone(this.data),
      deletedUsers: [...this.deletedUsers.values()].map((d) => ({ id: d.user.id, userPrincipalName: d.user.userPrincipalName, deletedDateTime: d.deletedDateTime })),
      softDeletedMailboxes: [...this.softDeletedMailboxes.keys()],
      pendingConversions: Object.fromEntries(
        [...this.pendingConversions.entries()].map(([k, v]) => [k, { type: v.type, requestedAt: new Date(v.requestedAt).toISOString(), visibleAt: new Date(v.visibleAt).toISOString() }]),
      ),
      consequences: structuredClone(this.consequences),
      actions: structuredClone(this.actions),
      teamOwnersNotMembers: [...this.teamOwnersAdded].flatMap((key) => {
        const [groupId, userId] = key.split(' ') as [string, string];
        const g = this.findGroup(groupId);
        return g && g.owners.includes(userId) && !g.members.includes(userId) ? [{ groupId, groupName: g.displayName, userId }] : [];
      }),
    };
  }
}
