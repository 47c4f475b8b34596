// A Temporary Access Pass for the reinstated person (authentication-post-temporaryaccesspassmethods), so they can sign
// in and register new methods. The pass goes into the in-memory vault for the requester's "Show pass" click and
// nowhere else: never into a record, a detail, a log or an error.
//
// Not a one-shot in one-shot.ts's sense: creating a pass again is harmless, since a user holds one pass and a new one
// replaces it. So the target is recorded 'sent' before the POST; found 'sent' (or failed) later, the answer — and the
// pass — may have been lost, and the step deletes whatever pass the user holds before creating a new one.
import { M365Error } from '../../../m365/errors';
import { crashPoint } from '../../../testing/crash-points';
import type { GraphPort } from '../../../m365/ports';
import type { HeldPass } from '../../reinstate/pass-vault';
import { enc, forEachTarget, type StepRunner } from '../context';

export interface PassSettings {
  /** At most 60 (the requester sees it at once; the tenant's policy may ask for more than its minimum). */
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

interface TapMethod {
  id: string;
  temporaryAccessPass?: string | null;
  startDateTime?: string | null;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
}

const methodsOf = (userId: string): string => `/users/${enc(userId)}/authentication/temporaryAccessPassMethods`;

/** Creates a pass; the answer is the only place it appears. `once`: a lost answer is not resent blindly. */
async function createPass(graph: GraphPort, userId: string, settings: PassSettings, now: number): Promise<HeldPass> {
  const { body } = await graph.call<TapMethod>({
    method: 'POST',
    url: methodsOf(userId),
    body: { lifetimeInMinutes: settings.lifetimeInMinutes, isUsableOnce: settings.isUsableOnce },
    once: true,
  });
  if (!body?.temporaryAccessPass) {
    throw new M365Error({ service: 'graph', status: 201, code: 'NoPassInAnswer', message: 'Graph created a Temporary Access Pass but its answer held no pass', method: 'POST', url: methodsOf(userId) });
  }
  const start = body.startDateTime ? Date.parse(body.startDateTime) : NaN;
  const lifetime = body.lifetimeInMinutes ?? settings.lifetimeInMinutes;
  return {
    pass: body.temporaryAccessPass,
    expiresAt: new Date((Number.isNaN(start) ? now : start) + lifetime * 60_000).toISOString(),
    usableOnce: body.isUsableOnce ?? settings.isUsableOnce,
  };
}

/** Deletes every pass the user holds (one, normally), so a new one can be created. */
async function deletePasses(graph: GraphPort, userId: string): Promise<void> {
  for (const m of await graph.list<TapMethod>(`${methodsOf(userId)}?$select=id`)) {
    try {
      await graph.call({ method: 'DELETE', url: `${methodsOf(userId)}/${enc(m.id)}` });
    } catch (err) {
      if (!(err instanceof M365Error) || err.status !== 404) {
        throw err;
      }
    }
  }
}

/** Delete the user's pass, then create one: also the "Show pass" click's way when the pass was lost in a restart. */
export async function issueTemporaryAccessPass(graph: GraphPort, userId: string, settings: PassSettings, now = Date.now()): Promise<HeldPass> {
  await deletePasses(graph, userId);
  return createPass(graph, userId, settings, now);
}

/** The step's params, within bounds: at most 60 minutes (10 is the policy's least by default), one use by default. */
export function passSettings(params: Record<string, unknown> | undefined): PassSettings {
  const lifetime = typeof params?.lifetimeInMinutes === 'number' && Number.isFinite(params.lifetimeInMinutes) ? Math.round(params.lifetimeInMinutes) : 60;
  return { lifetimeInMinutes: Math.min(60, Math.max(10, lifetime)), isUsableOnce: typeof params?.isUsableOnce === 'boolean' ? params.isUsableOnce : true };
}

/** "created; valid for 60 minutes (until 15:40 UTC), one use; shown once to the requester" */
export function passDetail(held: HeldPass, lifetimeInMinutes: number): string {
  const until = new Date(held.expiresAt).toISOString().slice(11, 16);
  return `created; valid for ${lifetimeInMinutes} minutes (until ${until} UTC), ${held.usableOnce ? 'one use' : 'several uses'}; shown once to the requester`;
}

export const temporaryAccessPass: StepRunner = (ctx) => {
  const settings = passSettings(ctx.step.params);
  return forEachTarget(ctx, ctx.step.targets, async (person) => {
    const vault = ctx.passes;
    if (!vault) {
      // Without the vault nobody could ever see the pass: create none.
      throw new M365Error({ service: 'graph', status: 0, code: 'NoPassVault', message: 'No pass vault in this process: a Temporary Access Pass would reach nobody, so none was created' });
    }
    // 'sent' from a crash, or a failure whose answer may have been lost: a pass may exist that nobody has seen.
    const previous = ctx.ledger.previous(person.id)?.status;
    await ctx.ledger.record(person, { status: 'sent', sentAt: new Date(ctx.now()).toISOString(), detail: 'creating a Temporary Access Pass' });
    crashPoint('one-shot'); // the crash sweep: recorded as being sent, not sent
    const held = previous === 'sent' || previous === 'failed' || previous === 'requested' ? await issueTemporaryAccessPass(ctx.graph, person.id, settings, ctx.now()) : await createPass(ctx.graph, person.id, settings, ctx.now());
    crashPoint('one-shot-answered'); // the crash sweep: Entra created it, the answer (the pass) is lost
    vault.put(ctx.requestId, held);
    return passDetail(held, settings.lifetimeInMinutes);
  });
};
