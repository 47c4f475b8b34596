// mailboxSettings (GET/PATCH: automaticRepliesSetting, userPurpose) and OneDrive (GET /users/{id}/drive,
// POST /drives/{id}/root/invite, GET /drives/{id}/root/permissions). mailboxSettings reads the same mailbox as the
// Exchange cmdlets: userPurpose follows Get-Mailbox's RecipientTypeDetails, conversion delay included.
import { randomUUID } from 'node:crypto';
import { GraphError, graphErrors } from '../errors';
import type { DriveRecord, MailboxRecord, MailboxType } from '../types';
import { bodyObject, contextUrl, ok, type GraphRequest, type GraphResult } from './context';
import { project, parseSelect } from '../odata';
import { asText } from '../text';
import type { GraphRouter } from './router';
import { requireUser } from './users';

const PURPOSE: Record<MailboxType, string> = { UserMailbox: 'user', SharedMailbox: 'shared', RoomMailbox: 'room', EquipmentMailbox: 'equipment' };

function requireMailbox(req: GraphRequest): MailboxRecord {
  const user = requireUser(req);
  const mailbox = req.state.mailboxOf(user.id);
  if (!mailbox) {
    // What Graph answers for a user without an Exchange Online mailbox (no licence, or on-premises).
    throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  }
  return mailbox;
}

function settings(req: GraphRequest, mailbox: MailboxRecord): Record<string, unknown> {
  return {
    archiveFolder: 'AAMkAGI2TAAA=',
    // A mailbox whose owner never chose a zone has none: the property is left out (unverified: seen so in
    // Microsoft's own samples, which had to fall back when it was missing).
    ...(mailbox.timeZone !== null ? { timeZone: mailbox.timeZone } : {}),
    automaticRepliesSetting: structuredClone(mailbox.automaticRepliesSetting),
    language: mailbox.language,
    dateFormat: 'dd/MM/yyyy',
    timeFormat: 'HH:mm',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    userPurpose: PURPOSE[req.state.visibleType(mailbox)],
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '09:00:00.0000000',
      endTime: '17:30:00.0000000',
      timeZone: { name: mailbox.timeZone ?? 'UTC' },
    },
  };
}

const SETTINGS = ['archiveFolder', 'timeZone', 'automaticRepliesSetting', 'language', 'dateFormat', 'timeFormat', 'delegateMeetingMessageDeliveryOptions', 'userPurpose', 'workingHours'];

function getSettings(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const all = settings(req, requireMailbox(req));
  const fields = parseSelect(req.query.get('$select'));
  for (const f of fields ?? []) {
    if (!SETTINGS.includes(f)) {
      throw graphErrors.noProperty(f, 'mailboxSettings');
    }
  }
  return ok({ '@odata.context': contextUrl(req, `users('${user.id}')/mailboxSettings`), ...(fields ? project(all, fields) : all) });
}

/**
 * One setting (user-get-mailboxsettings: `GET /users/{id}/mailboxSettings/timeZone`, …/automaticRepliesSetting, …): a
 * string setting answers `{"@odata.context": ".../mailboxSettings/timeZone", "value": "Pacific Standard Time"}`, an
 * object setting its properties. No mailbox: 404 MailboxNotEnabledForRESTAPI, as for the whole settings. A zone never
 * set answers `value: null` (unverified).
 */
function getSetting(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const name = SETTINGS.find((k) => k.toLowerCase() === (req.params.setting ?? '').toLowerCase());
  if (!name) {
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${req.params.setting ?? ''}'.`);
  }
  const value = settings(req, requireMailbox(req))[name] ?? null;
  const context = contextUrl(req, `users('${user.id}')/mailboxSettings/${name}`);
  return ok(value !== null && typeof value === 'object' ? { '@odata.context': context, ...(value as Record<string, unknown>) } : { '@odata.context': context, value });
}

function dateTimeTimeZone(v: unknown): v is { dateTime: string; timeZone: string } {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null;
  return o !== null && typeof o === 'object' && typeof o.dateTime === 'string' && typeof o.timeZone === 'string';
}

function patchSettings(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const mailbox = requireMailbox(req);
  const body = bodyObject(req);
  for (const k of Object.keys(body)) {
    if (k === 'userPurpose' || k === 'archiveFolder') {
      throw new GraphError(400, 'ErrorInvalidProperty', `The property '${k}' can't be updated.`);
    }
    if (!SETTINGS.includes(k) && k !== '@odata.context') {
      throw new GraphError(400, 'RequestBodyRead', `The property '${k}' does not exist on type 'microsoft.graph.mailboxSettings'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
    }
  }
  const next = { ...mailbox.automaticRepliesSetting };
  if (body.automaticRepliesSetting !== undefined) {
    const a = body.automaticRepliesSetting as Record<string, unknown>;
    if (a.status !== undefined) {
      if (!['disabled', 'alwaysEnabled', 'scheduled'].includes(asText(a.status))) {
        throw new GraphError(400, 'RequestBodyRead', `Requested value '${asText(a.status)}' was not found.`);
      }
      next.status = a.status as typeof next.status;
    }
    if (a.externalAudience !== undefined) {
      if (!['none', 'contactsOnly', 'all'].includes(asText(a.externalAudience))) {
        throw new GraphError(400, 'RequestBodyRead', `Requested value '${asText(a.externalAudience)}' was not found.`);
      }
      next.externalAudience = a.externalAudience as typeof next.externalAudience;
    }
    if (typeof a.internalReplyMessage === 'string') {
      next.internalReplyMessage = a.internalReplyMessage;
    }
    if (typeof a.externalReplyMessage === 'string') {
      next.externalReplyMessage = a.externalReplyMessage;
    }
    if (dateTimeTimeZone(a.scheduledStartDateTime)) {
      next.scheduledStartDateTime = a.scheduledStartDateTime;
    }
    if (dateTimeTimeZone(a.scheduledEndDateTime)) {
      next.scheduledEndDateTime = a.scheduledEndDateTime;
    }
  }
  mailbox.automaticRepliesSetting = next;
  if (typeof body.timeZone === 'string') {
    mailbox.timeZone = body.timeZone;
  }
  const updated = settings(req, mailbox);
  // The response carries the properties that were updated (user-update-mailboxsettings).
  return ok({ '@odata.context': contextUrl(req, `users('${user.id}')/mailboxSettings`), ...project(updated, Object.keys(body).filter((k) => SETTINGS.includes(k))) });
}

function driveView(req: GraphRequest, drive: DriveRecord): Record<string, unknown> {
  const owner = req.state.findUser(drive.ownerId);
  return {
    '@odata.context': contextUrl(req, 'drives/$entity'),
    id: drive.id,
    driveType: 'business',
    name: 'OneDrive',
    webUrl: drive.webUrl,
    createdDateTime: owner?.createdDateTime ?? null,
    owner: { user: { id: drive.ownerId, displayName: owner?.displayName ?? null, email: owner?.mail ?? null } },
    quota: { ...drive.quota, remaining: drive.quota.total - drive.quota.used, state: 'normal' },
  };
}

function requireDrive(req: GraphRequest): DriveRecord {
  const id = req.params.drive ?? '';
  const drive = req.state.data.drives.find((d) => d.id === id);
  if (!drive) {
    throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
  }
  return drive;
}

/**
 * The root's own entry: OneDrive lists the drive owner's permission (roles ['owner']) among the root's permissions;
 * it is part of the drive, not a sharing grant, so it cannot be deleted (permission-delete: "Only sharing permissions
 * that are not inherited can be deleted").
 */
function ownerPermissionId(drive: DriveRecord): string {
  return `owner_${drive.ownerId}`;
}

function ownerPermissionView(req: GraphRequest, drive: DriveRecord): Record<string, unknown> {
  const owner = req.state.findUser(drive.ownerId) ?? req.state.deletedUsers.get(drive.ownerId)?.user;
  const identity = { user: { id: drive.ownerId, displayName: owner?.displayName ?? null, email: owner?.mail ?? null } };
  return { id: ownerPermissionId(drive), roles: ['owner'], grantedTo: identity, grantedToV2: identity };
}

/** The root item's id (root is also addressable as `root`). */
function rootItemId(drive: DriveRecord): string {
  return `01ROOT${drive.ownerId.replace(/-/g, '').slice(0, 20).toUpperCase()}`;
}

function requireRootItem(req: GraphRequest, drive: DriveRecord): void {
  const item = req.params.item ?? 'root';
  if (item.toLowerCase() !== 'root' && item !== rootItemId(drive)) {
    throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
  }
}

/**
 * permission-delete: `DELETE /drives/{drive-id}/items/{item-id}/permissions/{perm-id}` (Files.ReadWrite.All), 204.
 * Unknown: 404 itemNotFound. The owner's entry and inherited permissions: "Only sharing permissions that are not
 * inherited can be deleted. The inheritedFrom property must be null." (the answer's code and text are not documented:
 * 403 accessDenied here, as SharePoint refuses it).
 */
function deletePermission(req: GraphRequest): GraphResult {
  const drive = requireDrive(req);
  requireRootItem(req, drive);
  const id = req.params.permission ?? '';
  if (id === ownerPermissionId(drive)) {
    throw new GraphError(403, 'accessDenied', "The owner's permission cannot be deleted: only sharing permissions that are not inherited can be deleted.");
  }
  if (!drive.sharedWith.some((p) => p.id === id)) {
    throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
  }
  drive.sharedWith = drive.sharedWith.filter((p) => p.id !== id);
  return { status: 204 };
}

function listPermissions(req: GraphRequest): GraphResult {
  const drive = requireDrive(req);
  requireRootItem(req, drive);
  return ok({ '@odata.context': contextUrl(req, 'Collection(permission)'), value: [ownerPermissionView(req, drive), ...drive.sharedWith.map((p) => permissionView(req, p))] });
}

function permissionView(req: GraphRequest, p: DriveRecord['sharedWith'][number]): Record<string, unknown> {
  const user = p.grantedToUserId === null ? undefined : req.state.findUser(p.grantedToUserId);
  const identity = { user: { id: p.grantedToUserId, displayName: user?.displayName ?? p.grantedToEmail, email: p.grantedToEmail } };
  return { id: p.id, roles: p.roles, grantedTo: identity, grantedToV2: identity, invitation: { email: p.grantedToEmail, signInRequired: true } };
}

/** driveItem: invite (POST /drives/{drive-id}/items/{item-id}/invite, root addressed as `root`). */
function invite(req: GraphRequest): GraphResult {
  const drive = requireDrive(req);
  const body = bodyObject(req);
  const recipients = body.recipients;
  const roles = body.roles;
  if (!Array.isArray(recipients) || recipients.length === 0 || !Array.isArray(roles) || roles.length === 0) {
    throw new GraphError(400, 'invalidRequest', 'Invalid request: recipients and roles are required.');
  }
  if (roles.some((r) => !['read', 'write', 'owner'].includes(String(r)))) {
    throw new GraphError(400, 'invalidRequest', `Invalid role: ${roles.join(',')}.`);
  }
  const created = (recipients as { email?: unknown; objectId?: unknown }[]).map((r) => {
    const key = typeof r.objectId === 'string' ? r.objectId : typeof r.email === 'string' ? r.email : '';
    const user = req.state.findUser(key) ?? req.state.data.users.find((u) => u.mail?.toLowerCase() === key.toLowerCase());
    if (!user && typeof r.email !== 'string') {
      throw new GraphError(400, 'invalidRequest', `Invalid recipient: ${key}.`);
    }
    const permission = {
      id: randomUUID(),
      roles: roles.map(String),
      grantedToUserId: user?.id ?? null,
      grantedToEmail: user?.mail ?? String(r.email),
      invitedDateTime: req.state.isoNow(),
    };
    drive.sharedWith.push(permission);
    return permissionView(req, permission);
  });
  return ok({ '@odata.context': contextUrl(req, 'Collection(permission)'), value: created });
}

export function registerMailAndDrive(router: GraphRouter): void {
  router
    .add('GET', '/users/:user/mailboxSettings', getSettings)
    .add('GET', '/users/:user/mailboxSettings/:setting', getSetting)
    .add('PATCH', '/users/:user/mailboxSettings', patchSettings)
    .add('GET', '/users/:user/drive', (req) => {
      const user = requireUser(req);
      const drive = req.state.data.drives.find((d) => d.ownerId === user.id);
      if (!drive) {
        throw new GraphError(404, 'ResourceNotFound', "User's mysite not found.");
      }
      return ok(driveView(req, drive));
    })
    .add('GET', '/drives/:drive', (req) => ok(driveView(req, requireDrive(req))))
    .add('POST', '/drives/:drive/root/invite', invite)
    .add('POST', '/drives/:drive/items/:item/invite', (req) => {
      requireRootItem(req, requireDrive(req));
      return invite(req);
    })
    .add('GET', '/drives/:drive/root', (req) => {
      const drive = requireDrive(req);
      return ok({ '@odata.context': contextUrl(req, 'drives/$entity/root/$entity'), id: rootItemId(drive), name: 'root', root: {}, webUrl: drive.webUrl, folder: { childCount: 0 } });
    })
    .add('GET', '/drives/:drive/root/permissions', listPermissions)
    .add('GET', '/drives/:drive/items/:item/permissions', listPermissions)
    .add('DELETE', '/drives/:drive/root/permissions/:permission', deletePermission)
    .add('DELETE', '/drives/:drive/items/:item/permissions/:permission', deletePermission);
}
