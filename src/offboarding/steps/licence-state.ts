// The licence steps re-read what is assigned when they run: a crash or a retry must never remove the licence kept
// for the mailbox, nor call assignLicense for one already gone.
import { decideLicences, type LicenceDecision } from '../licences';
import { readLicences, type RawLicenceState, type RawSku } from '../preflight/licences';
import type { LicenceInfo } from '../snapshot';
import { enc, type StepContext } from './context';

export async function currentLicences(ctx: StepContext): Promise<LicenceInfo[]> {
  const [user, skus] = await Promise.all([
    ctx.graph.call<{ licenseAssignmentStates?: RawLicenceState[]; assignedLicenses?: RawLicenceState[] }>({
      method: 'GET',
      url: `/users/${enc(ctx.people.leaver.id)}?$select=assignedLicenses,licenseAssignmentStates`,
    }),
    ctx.graph.list<RawSku>('/subscribedSkus?$select=skuId,skuPartNumber,servicePlans'),
  ]);
  return readLicences(user.body.licenseAssignmentStates ?? user.body.assignedLicenses ?? [], skus, undefined).licences;
}

export async function readLicenceDecision(ctx: StepContext): Promise<LicenceDecision> {
  return decideLicences(await currentLicences(ctx), ctx.step.params?.needsPlan2 === true);
}
