import type { TurnContext } from 'botbuilder';

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
