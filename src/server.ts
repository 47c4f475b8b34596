// The HTTP surface: the Bot Framework messaging endpoint and a health probe. Nothing else is exposed.
import restify from 'restify';
import type { TeamsAdapter, Application } from '@microsoft/teams-ai';
import { parseActivity, readBoundedBody } from './activity-body';
import type { Logger } from './logger';
import { DEFAULT_MAX_ACTIVITY_BYTES } from './offboarding/limits';
import type { TurnGate } from './turn-gate';

export interface ServerDeps {
  adapter: TeamsAdapter;
  app: Application;
  logger: Logger;
  /** Counts turns in flight, so background work can let them go first. */
  turns?: TurnGate;
  /** MAX_ACTIVITY_BYTES: a larger body gets 413 before it is parsed (default 1 MiB). */
  maxActivityBytes?: number;
}

export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'offboarding-bot', handleUncaughtExceptions: false });
  // No body parser: /api/messages reads its own body, bounded (src/activity-body.ts).
  const maxBytes = deps.maxActivityBytes ?? DEFAULT_MAX_ACTIVITY_BYTES;

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  // botbuilder validates the caller's JWT here when a bot identity is configured (401 otherwise).
  server.post('/api/messages', async (req, res) => {
    // Bounded input before any work: too large → 413 without reading the rest; not an activity → 400.
    const read = await readBoundedBody(req, maxBytes);
    const parsed = read.ok ? parseActivity(read.body) : read;
    if (!parsed.ok) {
      deps.logger.warn({ status: parsed.status, reason: parsed.message, contentLength: req.headers['content-length'] }, 'activity refused');
      if (parsed.status === 413) {
        // The rest of the body is left unread: the connection closes after the answer.
        res.setHeader('connection', 'close');
      }
      res.send(parsed.status, { error: parsed.message });
      return;
    }
    req.body = parsed.activity;
    const turn = () =>
      deps.adapter.process(req, res, async (context) => {
        await deps.app.run(context);
      });
    await (deps.turns ? deps.turns.around(turn) : turn());
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error, callback: () => void) => {
    deps.logger.warn({ err, method: req.method, url: req.url }, 'request failed');
    callback();
  });
  return server;
}

export function listen(server: restify.Server, port: number, host: string): Promise<{ port: number; url: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ port: address.port, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}` });
    });
  });
}
