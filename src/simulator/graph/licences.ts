// Licences: subscribedSkus (with service plans), licenseDetails, and assignLicense with Graph's refusals — a licence
// a user inherits from a group "cannot be removed directly from the user" (group-based licensing docs), and the
// operation needs both addLicenses and removeLicenses in the payload (user-assignlicense).
import { graphErrors } from '../errors';
import { bodyObject, contextUrl, ok, type GraphRequest, type GraphResult } from './context';
import { listResponse, entityResponse } from './collection';
import type { GraphRouter } from './router';
import { requireUser } from './users';
import { SUBSCRIBED_SKU, skuView, typed, userView } from './views';

function assignLicense(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const body = bodyObject(req);
  const missing = ['addLicenses', 'removeLicenses'].filter((k) => !Array.isArray(body[k]));
  if (missing.length > 0) {
    throw graphErrors.badRequest(
      `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${missing.join(', ')}.`,
    );
  }
  const add = body.addLicenses as { skuId?: unknown; disabledPlans?: unknown }[];
  const remove = body.removeLicenses as unknown[];
  const states = req.state.licenceStates(user);

  // Validate everything first: Graph applies all or nothing.
  for (const skuId of remove) {
    if (typeof skuId !== 'string') {
      throw graphErrors.badRequest("Invalid value specified for property 'removeLicenses'.");
    }
    const paths = states.filter((s) => s.skuId.toLowerCase() === skuId.toLowerCase());
    if (paths.length === 0) {
      throw graphErrors.badRequest('User does not have a corresponding license.');
    }
    if (!paths.some((s) => s.assignedByGroup === null)) {
      throw graphErrors.badRequest('User license is inherited from a group membership and it cannot be removed directly from the user.');
    }
  }
  for (const l of add) {
    const skuId = typeof l.skuId === 'string' ? l.skuId : '';
    const sku = req.state.findSku(skuId);
    if (!sku) {
      throw graphErrors.badRequest(`License ${skuId} does not correspond to a valid company License.`);
    }
    if (user.usageLocation === null) {
      throw graphErrors.badRequest('License assignment cannot be done for user with invalid usage location.');
    }
    // Assigning a SKU the user already holds (directly or through a group) takes no new seat. Otherwise consumedUnits
    // (active users holding it; a deleted user's seat is freed) must stay within prepaidUnits.enabled, or Graph
    // answers 400 "Subscription with SKU <skuId> does not have any available licenses." (the text the service returns).
    const already = req.state.assignedLicenses(user).some((x) => x.skuId === sku.skuId);
    if (!already && req.state.consumedUnits(sku.skuId) >= sku.prepaidUnits.enabled) {
      throw graphErrors.badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
    }
  }

  const removeSet = new Set(remove.map((s) => String(s).toLowerCase()));
  user.assignedLicenses = user.assignedLicenses.filter((l) => !removeSet.has(l.skuId.toLowerCase()));
  for (const l of add) {
    const sku = req.state.findSku(String(l.skuId))!;
    const disabledPlans = Array.isArray(l.disabledPlans) ? l.disabledPlans.map(String) : [];
    user.assignedLicenses = [...user.assignedLicenses.filter((x) => x.skuId !== sku.skuId), { skuId: sku.skuId, disabledPlans }];
  }
  if (removeSet.size > 0) {
    req.state.evaluateConsequences(user.id, 'assignLicense removed a licence');
  }
  return ok({ '@odata.context': contextUrl(req, 'users/$entity'), ...typed('user', userView(req.state, user)) });
}

export function registerLicences(router: GraphRouter): void {
  router
    .add('GET', '/subscribedSkus', (req) => listResponse(req, req.state.data.subscribedSkus.map((s) => skuView(req.state, s)), { type: SUBSCRIBED_SKU, context: 'subscribedSkus' }))
    .add('GET', '/subscribedSkus/:id', (req) => {
      const id = req.params.id ?? '';
      const sku = req.state.data.subscribedSkus.find((s) => `${req.state.data.tenant.id}_${s.skuId}` === id);
      if (!sku) {
        throw graphErrors.notFound(id);
      }
      return entityResponse(req, skuView(req.state, sku), SUBSCRIBED_SKU, 'subscribedSkus');
    })
    .add('GET', '/users/:user/licenseDetails', (req) => {
      const user = requireUser(req);
      const details = req.state.assignedLicenses(user).map((l) => {
        const sku = req.state.findSku(l.skuId);
        return {
          id: `${l.skuId}_${user.id}`,
          skuId: l.skuId,
          skuPartNumber: sku?.skuPartNumber ?? null,
          servicePlans: (sku?.servicePlans ?? []).map((p) => ({ ...p, provisioningStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Disabled' : p.provisioningStatus })),
        };
      });
      return listResponse(req, details, { type: { name: 'licenseDetails', directory: false, properties: ['id', 'skuId', 'skuPartNumber', 'servicePlans'] }, context: 'licenseDetails' });
    })
    .add('POST', '/users/:user/assignLicense', assignLicense);
}
