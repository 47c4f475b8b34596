// Messages the bot sends on its own (not as a reply within a turn): progress in the originating thread, approval
// cards in 1:1 chats, the summary in a channel. Everything goes through the adapter with stored references.
import { TurnContext, type Activity, type ConversationReference, type ConversationParameters } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Governor } from '../m365/governor';
import { CALLER_GOVERNED, conversationKey, observeConnectorError } from './connector-governor';

export { connectorStatus } from './connector-governor';

/** Bot Framework public cloud audience for outgoing calls (ignored when authentication is off, in local mode). */
const AUDIENCE = 'https://api.botframework.com';

export interface Posted {
  reference: Partial<ConversationReference>;
  activityId: string;
}

export class Proactive {
  /**
   * @param governor The process's governor: every Bot Connector call draws on the app's budget (50 requests per
   * second per app per tenant) and its conversation's (7 per second… 1,800 per hour per thread); a 429 pauses both.
   * Conversations are keyed as Teams counts them (connector-governor.ts conversationKey): a channel's threads share
   * the channel's budget; a 1:1 chat is its `a:…` id. The adapter's middleware (adapter.ts) governs the replies sent
   * within turns the same way; in the turns started here, Proactive holds the permit and the middleware takes none.
   */
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    readonly governor?: Governor,
  ) {}

  /**
   * One Bot Connector operation, paced by the governor (`conversation` undefined: the app's budget only). `conversation`
   * is a conversation id (a channel thread's is counted as its channel's).
   */
  private async governed<T>(conversation: string | undefined, work: () => Promise<T>): Promise<T> {
    const governor = this.governor;
    if (!governor) {
      return work();
    }
    const key = conversationKey(conversation);
    const permit = await governor.acquire('bot', key === undefined ? {} : { conversation: key });
    try {
      return await work();
    } catch (err) {
      observeConnectorError(governor, err, key); // once: the adapter's middleware may have seen it already
      throw err;
    } finally {
      permit.release();
    }
  }

  /** Marks the turn's sends and updates as paced by the permit Proactive holds (the middleware takes none). */
  private static callerGoverned(context: TurnContext): void {
    (context.turnState as TurnContext['turnState'] | undefined)?.set(CALLER_GOVERNED, true);
  }

  /**
   * Runs `work` in a proactive turn and hands its error back to the caller. botbuilder routes an error thrown in a
   * turn to the adapter's onTurnError (the app's "something went wrong" reply) and swallows it: a failed card update
   * must reach the caller instead, and must not post a message into the conversation.
   */
  private static async surfacing(turn: (work: (context: TurnContext) => Promise<void>) => Promise<void>, work: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: Error | undefined;
    await turn(async (context) => {
      try {
        await work(context);
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
    });
    if (failure) {
      throw failure;
    }
  }

  private continueIn(reference: Partial<ConversationReference>, work: (context: TurnContext) => Promise<void>): Promise<void> {
    return Proactive.surfacing((logic) => this.adapter.continueConversationAsync(this.botAppId, reference, logic), work);
  }

  private create(serviceUrl: string, parameters: ConversationParameters, work: (context: TurnContext) => Promise<void>): Promise<void> {
    return Proactive.surfacing((logic) => this.adapter.createConversationAsync(this.botAppId, 'msteams', serviceUrl, AUDIENCE, parameters, logic), work);
  }

  /** Posts into a stored conversation (a channel thread, a chat). */
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.governed(reference.conversation?.id, () =>
      this.continueIn(reference, async (context) => {
        Proactive.callerGoverned(context);
        id = (await context.sendActivity(activity))?.id ?? '';
      }),
    );
    return id;
  }

  /** Replaces an activity in place (cards keep their position in the thread). */
  async update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.governed(reference.conversation?.id, () =>
      this.continueIn(reference, async (context) => {
        Proactive.callerGoverned(context);
        await context.updateActivity({ ...activity, id: activityId, conversation: reference.conversation });
      }),
    );
  }

  /**
   * Opens (or finds) the 1:1 chat with a user by their Entra object id and sends the activity there:
   * POST {serviceUrl}/v3/conversations with the user as the one member and the tenant id. Throws the connector's
   * error (403 when the app is not installed for that user).
   */
  async sendPersonal(serviceUrl: string, tenantId: string, aadObjectId: string, bot: { id: string; name?: string }, activity: Partial<Activity>): Promise<Posted> {
    const parameters = {
      isGroup: false,
      bot,
      members: [{ id: aadObjectId }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as unknown as ConversationParameters;
    let posted: Posted | undefined;
    // Two connector calls: the conversation's creation (POST /v3/conversations: no conversation yet, the app's budget
    // only), then the card in it, keyed by the conversation id the creation returned (`a:…`), the key every later send
    // and update of that chat uses (from the stored reference): one budget per 1:1 chat.
    await this.governed(undefined, () =>
      this.create(serviceUrl, parameters, async (context) => {
        // The create event names no user: name them, so the stored reference addresses them. Its id is the new
        // conversation's, not a message's: clear it so the card is a new message, not a reply to nothing.
        context.activity.from = { id: aadObjectId, aadObjectId, name: '' };
        delete (context.activity as { id?: string }).id;
        const reference = TurnContext.getConversationReference(context.activity);
        const activityId = await this.governed(reference.conversation?.id, async () => {
          Proactive.callerGoverned(context);
          return (await context.sendActivity(activity))?.id ?? '';
        });
        posted = { reference, activityId };
      }),
    );
    if (!posted) {
      throw new Error('the 1:1 chat was created but the card was not sent');
    }
    return posted;
  }

  /** A new post in a Teams channel (like TeamsInfo.sendMessageToTeamsChannel, without needing a turn). */
  async postToChannel(serviceUrl: string, tenantId: string, channelId: string, activity: Partial<Activity>): Promise<Posted> {
    const parameters = { isGroup: true, channelData: { channel: { id: channelId }, tenant: { id: tenantId } }, activity, tenantId } as unknown as ConversationParameters;
    let posted: Posted | undefined;
    // One connector call (the post travels with the creation), in the channel's budget: a channel is one conversation.
    await this.governed(channelId, () => this.create(serviceUrl, parameters, (context) => {
      // botbuilder drops the connector's activityId; Teams names the new thread "<channel>;messageid=<activity id>".
      const conversationId = context.activity.conversation?.id ?? '';
      posted = { reference: TurnContext.getConversationReference(context.activity), activityId: /;messageid=([^;]+)/.exec(conversationId)?.[1] ?? '' };
      return Promise.resolve();
    }));
    if (!posted) {
      throw new Error('the channel post was created but not confirmed');
    }
    return posted;
  }
}
