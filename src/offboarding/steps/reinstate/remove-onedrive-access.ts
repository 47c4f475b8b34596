// The inheritor's access to the reinstated person's OneDrive goes: every permission on the drive's root granted to
// the inheritor directly (permission-delete). Inherited ones and the owner's are never touched; none left is already
// gone.
import { M365Error } from '../../../m365/errors';
import type { PersonRef } from '../../snapshot';
import { enc, forEachTarget, type StepRunner } from '../context';
import { ALREADY_GONE } from './shared';

interface Identity {
  id?: string;
  email?: string;
  loginName?: string;
}

export interface DrivePermission {
  id: string;
  roles?: string[];
  inheritedFrom?: unknown;
  grantedTo?: { user?: Identity } | null;
  grantedToV2?: { user?: Identity; siteUser?: Identity } | null;
  invitation?: { email?: string } | null;
}

/** Granted to this person on the item itself (not inherited), and not the owner's. */
export function grantedDirectlyTo(p: DrivePermission, person: PersonRef): boolean {
  if (p.inheritedFrom || p.roles?.includes('owner')) {
    return false;
  }
  const addresses = [person.mail, person.userPrincipalName].filter((a): a is string => !!a).map((a) => a.toLowerCase());
  const users = [p.grantedToV2?.user, p.grantedTo?.user, p.grantedToV2?.siteUser].filter((u): u is Identity => !!u);
  return (
    users.some((u) => u.id === person.id || (u.email && addresses.includes(u.email.toLowerCase())) || (u.loginName && addresses.some((a) => u.loginName!.toLowerCase().endsWith(`|${a}`)))) ||
    (!!p.invitation?.email && addresses.includes(p.invitation.email.toLowerCase()))
  );
}

export const removeOneDriveAccess: StepRunner = (ctx) => {
  const { leaver, inheritor } = ctx.people;
  return forEachTarget(ctx, ctx.step.targets, async (target) => {
    let driveId = typeof target.data?.driveId === 'string' ? target.data.driveId : undefined;
    if (driveId === undefined) {
      driveId = (await ctx.graph.call<{ id: string }>({ method: 'GET', url: `/users/${enc(leaver.id)}/drive?$select=id` })).body.id;
    }
    const base = `/drives/${enc(driveId)}/root/permissions`;
    const mine = (await ctx.graph.list<DrivePermission>(base)).filter((p) => grantedDirectlyTo(p, inheritor));
    if (mine.length === 0) {
      return ALREADY_GONE;
    }
    for (const p of mine) {
      try {
        await ctx.graph.call({ method: 'DELETE', url: `${base}/${enc(p.id)}` });
      } catch (err) {
        // Gone between the list and the delete: the state wanted.
        if (!(err instanceof M365Error) || err.status !== 404) {
          throw err;
        }
      }
    }
    return `removed ${mine.length} ${mine.length === 1 ? 'permission' : 'permissions'}`;
  });
};
