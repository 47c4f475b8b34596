// The HTTP status of a failed Azure SDK call (RestError), without depending on the SDKs' error classes.

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs a call, mapping the given statuses to `onStatus` (e.g. a conflict) and rethrowing anything else. */
export async function onStatuses<T>(statuses: number[], call: () => Promise<T>, onStatus: (status: number) => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const status = statusOf(err);
    if (status !== undefined && statuses.includes(status)) {
      return onStatus(status);
    }
    throw err;
  }
}
