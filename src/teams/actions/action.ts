import type { TurnContext } from 'botbuilder';
import type { z } from 'zod';
import type { Actor } from '../../offboarding/requests';
import { actorOf, NO_IDENTITY } from '../turn';

/** The invoke answer: a card (replaces the clicked card) or a message (the card stays). */
export type ActionResult = Record<string, unknown> | string;

/** One Action.Execute verb. `data` is the action's data merged with the card's inputs: user-controlled. */
export interface CardAction {
  verb: string;
  handle(context: TurnContext, data: Record<string, unknown>): Promise<ActionResult>;
}

/** A verb whose data is checked with `schema` first: who clicked must be known, the data well-formed. */
export function cardAction<T>(
  verb: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  invalid: string | ((error: z.ZodError) => string),
  /** `raw` is the action data as received (for inputs the schema leaves to another validator). */
  handle: (context: TurnContext, by: Actor, data: T, raw: Record<string, unknown>) => Promise<ActionResult>,
): CardAction {
  return {
    verb,
    async handle(context, data) {
      const by = actorOf(context);
      if (!by) {
        return NO_IDENTITY;
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        return typeof invalid === 'string' ? invalid : invalid(parsed.error);
      }
      return handle(context, by, parsed.data, data);
    },
  };
}
