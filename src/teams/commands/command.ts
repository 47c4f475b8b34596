import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { LIMITS, tooLong } from '../../offboarding/limits';
import type { Actor } from '../../offboarding/requests';
import type { Venue } from '../../offboarding/venue';
import { ASK_IN_PERSONAL_CHAT } from '../../offboarding/visibility';
import { actorOf, NO_IDENTITY, venueOf } from '../turn';

/** One text command. `args` is the text after the command word, trimmed. */
export interface Command {
  name: string;
  /** How to type it, shown on the help card, e.g. "offboard <name | UPN | mail>". */
  usage: string;
  description: string;
  handle(context: TurnContext, args: string): Promise<void>;
}

/** Matches "<name>" or "<name> <args>" as the whole message, case-insensitively. No /g: teams-ai reuses the RegExp. */
export function commandPattern(name: string): RegExp {
  return new RegExp(`^\\s*${name}(?:\\s+([\\s\\S]*))?$`, 'i');
}

export function commandArgs(name: string, text: string | undefined): string {
  return commandPattern(name).exec(text ?? '')?.[1]?.trim() ?? '';
}

/** Every command's argument is a name, UPN, mail or request id: checked against the limit before the handler runs. */
export const commandArgument = z.string().max(LIMITS.name);

/** The reply when the argument is over the limit: nothing was looked up, nothing changed. */
export function argumentTooLong(name: string, length: number): string {
  return `${tooLong(`The text after **${name}**`, LIMITS.name, length)}: a name, UPN or mail has at most ${LIMITS.name}. Nothing was looked up or changed.`;
}

/**
 * For a command that needs its sender and an argument (`offboard`, `reinstate`): who asks, once the sender is known and
 * the argument given. Otherwise it replies (no identity, or the usage) and resolves undefined: nothing was read.
 */
export async function requesterOf(context: TurnContext, query: string, usage: string): Promise<Actor | undefined> {
  const requester = actorOf(context);
  if (!requester) {
    await context.sendActivity(NO_IDENTITY);
    return undefined;
  }
  if (query === '') {
    await context.sendActivity(usage);
    return undefined;
  }
  return requester;
}

/** A request id as typed: an offboarding's (OFB-…) or a reinstatement's (RST-…). */
export const REQUEST_ID = /^(OFB|RST)-[A-Z0-9]{6}$/i;

/**
 * For a command acting on one request (`cancel`, `close`) or batch (`cancel <batch id>`: idPattern BATCH_ID): who asks
 * and where, once the sender is known, the argument is such an id and the conversation is not a group chat (a reply
 * reaches everyone there). Otherwise it replies, and resolves undefined: nothing was read or changed.
 */
export async function requestCommandInput(context: TurnContext, id: string, usage: string, idPattern = REQUEST_ID): Promise<{ by: Actor; where: Venue } | undefined> {
  const by = actorOf(context);
  if (!by) {
    await context.sendActivity(NO_IDENTITY);
    return undefined;
  }
  if (!idPattern.test(id)) {
    await context.sendActivity(usage);
    return undefined;
  }
  const where = await venueOf(context);
  if (where.kind === 'group-chat') {
    await context.sendActivity(ASK_IN_PERSONAL_CHAT);
    return undefined;
  }
  return { by, where };
}
