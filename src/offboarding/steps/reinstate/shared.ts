// Shared by the reinstatement runners: what "already back" looks like in Graph's and Exchange's answers.
import { M365Error } from '../../../m365/errors';
import { GRAPH_REFERENCE_ROOT } from '../../../m365/graph';
import type { TargetOutcome } from '../context';

export const ALREADY_BACK = 'already back';
export const ALREADY_GONE = 'already gone';

/** "One or more added object references already exist for the following modified properties: 'members'." */
export function alreadyExists(error: M365Error): boolean {
  return error.status === 400 && /already exist/i.test(error.message);
}

/** Adding a reference that is there already is done: the state the step wants. */
export function existingIsBack(error: M365Error): TargetOutcome {
  return alreadyExists(error) ? { status: 'done', detail: ALREADY_BACK } : { status: 'failed', error };
}

/** The body of POST /groups/{id}/members/$ref (and owners): the directory object by its reference URL. */
export function directoryRef(id: string): { '@odata.id': string } {
  return { '@odata.id': `${GRAPH_REFERENCE_ROOT}/directoryObjects/${id}` };
}

/** A read whose failure must not block the write it guards (the write then decides). */
export async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof M365Error) {
      return undefined;
    }
    throw err;
  }
}
