// The HTTP surface: the Bot Framework messaging endpoint and a health probe. Nothing else is exposed.
import restify from 'restify';
import type { TeamsAdapter, Application } from '@microsoft/teams-ai';
import type { Logger } from './logger';
import type { TurnGate } from './turn-gate';

export interface ServerDeps {
  adapter: TeamsAdapter;
  app: Application;
  logger: Logger;
  /** Counts turns in flight, so background work can let them go first. */
  turns?: TurnGate;
}

export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'offboarding-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  // botbuilder validates the caller's JWT here when a bot identity is configured (401 otherwise).
  server.post('/api/messages', async (req, res) => {
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
