// Direct licences back, in one assignLicense call (user-assignlicense). Reads first: a SKU assigned already is back;
// a SKU with no free seat (subscribedsku-list: prepaidUnits.enabled - consumedUnits) fails by name instead of failing
// the whole call. A missing usage location makes Graph refuse the call (400): recorded as it is.
import { M365Error } from '../../../m365/errors';
import type { Target } from '../../plan';
import { alreadyFinished, enc, recordOutcome, type StepRunner } from '../context';
import { ALREADY_BACK } from './shared';

interface Sku {
  skuId: string;
  skuPartNumber?: string;
  consumedUnits?: number;
  prepaidUnits?: { enabled?: number };
}

export const restoreDirectLicences: StepRunner = async (ctx) => {
  const pending = ctx.step.targets.filter((t) => !alreadyFinished(ctx, t));
  if (pending.length === 0) {
    return;
  }
  const userId = ctx.people.leaver.id;
  let assigned: Set<string>;
  let skus: Sku[];
  try {
    const [user, list] = await Promise.all([
      ctx.graph.call<{ assignedLicenses?: Array<{ skuId: string }> }>({ method: 'GET', url: `/users/${enc(userId)}?$select=assignedLicenses` }),
      ctx.graph.list<Sku>('/subscribedSkus?$select=skuId,skuPartNumber,prepaidUnits,consumedUnits'),
    ]);
    assigned = new Set((user.body.assignedLicenses ?? []).map((l) => l.skuId));
    skus = list;
  } catch (err) {
    if (!(err instanceof M365Error)) {
      throw err;
    }
    await Promise.all(pending.map((t) => recordOutcome(ctx, t, { status: 'failed', error: err })));
    return;
  }

  const toAdd = [];
  for (const t of pending) {
    if (assigned.has(t.id)) {
      await recordOutcome(ctx, t, { status: 'done', detail: ALREADY_BACK });
      continue;
    }
    const sku = skus.find((s) => s.skuId === t.id);
    const free = sku ? (sku.prepaidUnits?.enabled ?? 0) - (sku.consumedUnits ?? 0) : 0;
    if (free < 1) {
      const name = sku?.skuPartNumber ?? t.label;
      const message = sku ? `${name}: no free seat: buy or free one, then retry` : `${name}: the organisation no longer subscribes to it: no free seat: buy or free one, then retry`;
      await recordOutcome(ctx, t, { status: 'failed', error: new M365Error({ service: 'graph', status: 409, code: 'NoFreeSeat', message, method: 'GET', url: '/subscribedSkus' }) });
      continue;
    }
    toAdd.push(t);
  }
  if (toAdd.length === 0) {
    return;
  }
  try {
    await ctx.graph.call({ method: 'POST', url: `/users/${enc(userId)}/assignLicense`, body: { addLicenses: toAdd.map((t) => ({ skuId: t.id, disabledPlans: disabledPlansOf(t) })), removeLicenses: [] } });
  } catch (err) {
    if (!(err instanceof M365Error)) {
      throw err;
    }
    await Promise.all(toAdd.map((t) => recordOutcome(ctx, t, { status: 'failed', error: err })));
    return;
  }
  await Promise.all(toAdd.map((t) => recordOutcome(ctx, t, { status: 'done', detail: 'assigned again' })));
};

/** The service plans that were off before the offboarding (recorded with the removed licence), off again. */
function disabledPlansOf(target: Target): string[] {
  const plans = target.data?.disabledPlans;
  return typeof plans === 'string' && plans !== '' ? plans.split(',') : [];
}
