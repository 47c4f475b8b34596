// Each user's 1:1 chat with the bot, as the bot last heard from them there: the conversation reference Teams gave
// (its serviceUrl, the `a:…` conversation id, the bot and the user). Real bots keep these to message a person on
// their own initiative; this one prefers them for approval cards and lines to the requester (notifier.ts), and opens
// a chat by Entra id (POST /v3/conversations) only for someone it has never heard from. A 1:1 chat may have a
// serviceUrl of its own (Teams' regional endpoints; the Agents Playground signed in as another user is another
// connector altogether), which is why the reference is kept whole and not rebuilt from a channel's serviceUrl.
import { TurnContext, type ConversationReference } from 'botbuilder';
import type { Logger } from '../logger';
import { ConflictError, type Store } from '../store';

const COLLECTION = 'teams-personal-chats';

export interface PersonalChat {
  reference: Partial<ConversationReference>;
  /** When the bot last heard from them there (ISO). */
  seenAt: string;
}

const key = (tenantId: string, aadObjectId: string): string => `${tenantId}/${aadObjectId}`;

export class PersonalChats {
  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The 1:1 chat of this user of this tenant, when the bot has heard from them there. */
  async get(tenantId: string, aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    if (!tenantId || !aadObjectId) {
      return undefined;
    }
    return (await this.store.get<PersonalChat>(COLLECTION, key(tenantId, aadObjectId)))?.value.reference;
  }

  /**
   * Called for every incoming activity: one from a user in their 1:1 chat with the bot records (or refreshes, when the
   * chat or its serviceUrl changed) its reference; the app's removal from that chat (installationUpdate "remove")
   * forgets it. Anything else is ignored. Returns the user when their chat was stored or changed now (undefined
   * otherwise). Never throws: a turn must not fail for this.
   */
  async observe(context: TurnContext): Promise<{ tenantId: string; userId: string } | undefined> {
    const a = context.activity;
    const channelData = a.channelData as { tenant?: { id?: string } } | undefined;
    const tenantId = a.conversation?.tenantId ?? channelData?.tenant?.id ?? '';
    const userId = a.from?.aadObjectId;
    if (a.conversation?.conversationType !== 'personal' || !userId || !tenantId || !a.serviceUrl) {
      return undefined;
    }
    const id = key(tenantId, userId);
    try {
      const stored = await this.store.get<PersonalChat>(COLLECTION, id);
      if (a.type === 'installationUpdate' && (a.action ?? '').startsWith('remove')) {
        if (stored) {
          await this.store.delete(COLLECTION, id, stored.etag);
          this.logger?.info({ userId }, 'the app was removed from a 1:1 chat: its reference is forgotten');
        }
        return undefined;
      }
      const reference = TurnContext.getConversationReference(a);
      delete reference.activityId; // the chat, not a message in it
      const same = stored && stored.value.reference.serviceUrl === reference.serviceUrl && stored.value.reference.conversation?.id === reference.conversation?.id;
      if (same) {
        return undefined; // unchanged: no write per message
      }
      await this.store.put<PersonalChat>(COLLECTION, id, { reference, seenAt: this.now().toISOString() }, stored?.etag ?? null);
      this.logger?.info({ userId, conversation: reference.conversation?.id, serviceUrl: reference.serviceUrl }, stored ? '1:1 chat reference updated' : '1:1 chat reference stored');
      return { tenantId, userId };
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        this.logger?.warn({ err, userId }, 'could not store the 1:1 chat reference');
      } // a conflict: another turn of the same user stored it at the same moment
      return undefined;
    }
  }
}
