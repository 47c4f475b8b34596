// Every Bot Connector call through the governor (issue 13), in one place:
// - adapter middleware (governConnector) registers send/update/delete handlers on every turn, incoming or proactive,
//   so replies within a turn (commands, app.error), card updates and teams-ai's typing indicator take a 'bot' permit
//   for their conversation before they leave, like Proactive's sends;
// - the same middleware adds a policy to the turn's ConnectorClient pipeline, after botbuilder's retry policy, so the
//   governor observes every 429 the connector answers, including those the built-in retry (core-rest-pipeline
//   defaultRetryPolicy: up to 3 retries of a 429, obeying Retry-After) retries on its own and the caller never sees;
// - governedTurnCall wraps other connector calls made within a turn (TeamsInfo.getTeamDetails).
//
// Conversation key: Teams' limit is "per bot per thread" ("Optimize your bot with rate limiting and best practices in
// Microsoft Teams", https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit: "The per bot per
// thread limit controls the traffic that a bot is allowed to generate in a single conversation. A thread here is a
// 1:1 conversation between a bot and a user, a group chat, or a channel in a team."). A channel is one conversation
// whatever the thread a message replies to, so `19:…@thread.tacv2;messageid=N` counts as `19:…@thread.tacv2`; a 1:1
// chat is its `a:…` conversation id, the same before and after the bot stores a reference to it.
import type { Pipeline, PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Activity, ConversationReference, Middleware, ResourceResponse, TurnContext } from 'botbuilder';
import type { Governor } from '../m365/governor';
import { retryAfterMs } from '../m365/graphChain';

/** The governor's conversation key for a Bot Connector conversation id: the channel for any of its threads. */
export function conversationKey(conversationId: string | undefined): string | undefined {
  if (!conversationId) {
    return undefined;
  }
  return conversationId.split(';messageid=')[0];
}

/** An HTTP error from the Bot Connector (botbuilder's RestError carries statusCode). */
export function connectorStatus(err: unknown): number | undefined {
  const e = err as { statusCode?: number; response?: { status?: number } } | undefined;
  return e?.statusCode ?? e?.response?.status;
}

/** Retry-After of a Bot Connector error, when its response carried one. */
export function connectorRetryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | null | undefined } } } | undefined)?.response?.headers;
  return typeof headers?.get === 'function' ? retryAfterMs(headers.get('retry-after')) : undefined;
}

/** Errors whose answer the governor has seen already (by the pipeline policy): not observed a second time. */
const observedErrors = new WeakSet<object>();

/** Tells the governor about a failed connector call, unless the connector pipeline already did. */
export function observeConnectorError(governor: Governor, err: unknown, conversation: string | undefined): void {
  if (typeof err === 'object' && err !== null && observedErrors.has(err)) {
    return;
  }
  const status = connectorStatus(err);
  if (status !== undefined) {
    governor.observe('bot', status, connectorRetryAfterMs(err), conversation);
  }
  markObserved(err);
}

function markObserved(err: unknown): void {
  if (typeof err === 'object' && err !== null) {
    observedErrors.add(err);
  }
}

/**
 * turnState key: the caller (Proactive) holds the permit for this turn's sends and updates already, so the middleware
 * must not take a second one for the same call.
 */
export const CALLER_GOVERNED = Symbol('offboarding.connector.callerGoverned');
/** turnState key: the governor, for connector calls made within a turn (governedTurnCall). */
const GOVERNOR = Symbol('offboarding.connector.governor');
/** turnState key: 429s the governor saw on this turn's ConnectorClient, counted by the pipeline policy. */
const WATCHED = Symbol('offboarding.connector.watched');

/** Activity types the adapter doesn't send to the connector (botbuilder CloudAdapterBase.sendActivities). */
function reachesConnector(context: TurnContext, activity: Partial<Activity>): boolean {
  return activity.type !== 'delay' && activity.type !== 'invokeResponse' && !(activity.type === 'trace' && context.activity.channelId !== 'emulator');
}

/** The conversation of a connector URL (/v3/conversations/{id}/…), as the governor keys it. */
function conversationOfUrl(url: string): string | undefined {
  const m = /\/v3\/conversations\/([^/?]+)/.exec(url);
  if (!m) {
    return undefined;
  }
  try {
    return conversationKey(decodeURIComponent(m[1]!));
  } catch {
    return undefined;
  }
}

interface Watch {
  throttled: number;
}
const watchedPipelines = new WeakMap<Pipeline, Watch>();

/**
 * Adds the observing policy to the turn's ConnectorClient (botbuilder-stdlib's ServiceClientContext keeps the
 * @azure/core-client ServiceClient as `client`, whose pipeline holds the retry policy). botbuilder's ConnectorFactory
 * overwrites ConnectorClientOptions.requestPolicyFactories, so the policy can't be passed through the adapter's
 * options; it is added here, once per client. Undefined when the client isn't shaped like that (another botbuilder
 * version): the middleware then observes the final error only, after the built-in retries.
 */
function watchConnector(context: TurnContext, connectorClientKey: symbol | undefined, governor: Governor): Watch | undefined {
  const client = connectorClientKey === undefined ? undefined : context.turnState.get<{ client?: { pipeline?: Pipeline } } | undefined>(connectorClientKey);
  const pipeline = client?.client?.pipeline;
  if (!pipeline || typeof pipeline.addPolicy !== 'function') {
    return undefined;
  }
  let watch = watchedPipelines.get(pipeline);
  if (!watch) {
    const w: Watch = { throttled: 0 };
    const policy: PipelinePolicy = {
      name: 'offboardingGovernorObserve',
      async sendRequest(request, next) {
        const response = await next(request);
        const retryAfter = response.headers.get('retry-after');
        if (response.status === 429 || (response.status === 503 && retryAfter)) {
          w.throttled++;
          governor.observe('bot', response.status, retryAfterMs(retryAfter ?? undefined), conversationOfUrl(request.url));
        }
        return response;
      },
    };
    // After the Retry phase: inside the retry loop, so each attempt's answer is seen.
    pipeline.addPolicy(policy, { afterPhase: 'Retry' });
    watchedPipelines.set(pipeline, w);
    watch = w;
  }
  context.turnState.set(WATCHED, watch);
  return watch;
}

/** One connector call of the turn: a permit (unless the caller holds it), and its failure observed once. */
async function governedCall<T>(context: TurnContext, governor: Governor, conversation: string | undefined, tokens: number, call: () => Promise<T>): Promise<T> {
  const permit = context.turnState.get(CALLER_GOVERNED) ? undefined : await governor.acquire('bot', { ...(conversation !== undefined ? { conversation } : {}), tokens });
  const watch = context.turnState.get<Watch | undefined>(WATCHED);
  const before = watch?.throttled;
  try {
    return await call();
  } catch (err) {
    if (watch !== undefined && watch.throttled !== before) {
      markObserved(err); // the pipeline policy told the governor already
    } else {
      observeConnectorError(governor, err, conversation);
    }
    throw err;
  } finally {
    permit?.release();
  }
}

/**
 * The adapter middleware: every send, update and delete of every turn draws on the 'bot' budget of its conversation
 * (and the app's), and every 429 pauses them. `connectorClientKey`: the adapter's ConnectorClientKey (CloudAdapter).
 */
export function governConnector(governor: Governor, connectorClientKey?: symbol): Middleware {
  return {
    async onTurn(context, next) {
      context.turnState.set(GOVERNOR, governor);
      watchConnector(context, connectorClientKey, governor);
      // "expectReplies": TurnContext buffers the replies into the invoke answer; nothing reaches the connector.
      const buffered = context.activity.deliveryMode === 'expectReplies';
      context.onSendActivities(async (ctx, activities, nextSend): Promise<ResourceResponse[]> => {
        const sent = buffered ? 0 : activities.filter((a) => reachesConnector(ctx, a)).length;
        if (sent === 0) {
          return nextSend();
        }
        return governedCall(ctx, governor, conversationKey(activities[0]?.conversation?.id ?? ctx.activity.conversation?.id), sent, nextSend);
      });
      context.onUpdateActivity(async (ctx, activity, nextUpdate) => {
        await governedCall(ctx, governor, conversationKey(activity.conversation?.id ?? ctx.activity.conversation?.id), 1, nextUpdate);
      });
      context.onDeleteActivity(async (ctx, reference: Partial<ConversationReference>, nextDelete) => {
        await governedCall(ctx, governor, conversationKey(reference.conversation?.id ?? ctx.activity.conversation?.id), 1, nextDelete);
      });
      await next();
    },
  };
}

/**
 * A Bot Connector call made within a turn outside send/update/delete (TeamsInfo.getTeamDetails: GET /v3/teams/{id},
 * counted against the app's budget only: it is no conversation's traffic). Ungoverned when the adapter has no governor.
 */
export function governedTurnCall<T>(context: TurnContext, call: () => Promise<T>): Promise<T> {
  const governor = context.turnState.get<Governor | undefined>(GOVERNOR);
  if (!governor) {
    return call();
  }
  return governedCallUnchecked(governor, call);
}

async function governedCallUnchecked<T>(governor: Governor, call: () => Promise<T>): Promise<T> {
  const permit = await governor.acquire('bot');
  try {
    return await call();
  } catch (err) {
    observeConnectorError(governor, err, undefined);
    throw err;
  } finally {
    permit.release();
  }
}
