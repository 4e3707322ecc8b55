// The HTTP server: REST API, WebSocket upgrades for terminals (Origin checked first), and the
// static site. Knows routes and protocols; sessions and sandboxes sit behind it.
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Logger } from '../log.ts';
import type { TerminalHub } from '../terminal/socket.ts';
import { handleApi, type ApiDeps } from './api.ts';
import { HttpError, originAllowed, sendError } from './respond.ts';
import { createStaticHandler } from './static.ts';

export interface AppOptions {
  siteDir: string;
  allowedOrigins: Set<string>;
  /** Largest WebSocket frame accepted; bigger ones close the connection with code 1009. */
  maxFrameBytes?: number;
}

const terminalPath = /^\/ws\/sessions\/([a-f0-9]{1,64})\/terminal$/;

export function createApp(deps: ApiDeps, terminals: TerminalHub | undefined, options: AppOptions, log: Logger): Server {
  const serveStatic = createStaticHandler(options.siteDir);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 64 * 1024 });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        if (url.pathname.startsWith('/api/')) {
          if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req, options.allowedOrigins)) {
            throw new HttpError(403, 'Origine non autorisée : ouvrez le cours depuis son adresse habituelle.');
          }
          if (await handleApi(deps, req, res, url)) return;
        }
        await serveStatic(req, res, url.pathname);
      } catch (error) {
        if (error instanceof HttpError) {
          sendError(res, error.status, error.message);
          return;
        }
        log.error('request failed', { path: url.pathname, error });
        if (!res.headersSent) sendError(res, 500, 'Erreur interne du serveur : réessayez dans un instant.');
        else res.destroy();
      }
    })();
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      const body = JSON.stringify({ error: text });
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const match = terminalPath.exec(url.pathname);
    if (!match) return refuse(404, 'Adresse WebSocket inconnue.');
    if (!originAllowed(req, options.allowedOrigins)) {
      log.warn('websocket origin refused', { origin: req.headers.origin });
      return refuse(403, 'Origine non autorisée.');
    }
    if (!terminals || !deps.sessions) return refuse(503, 'Aucun moteur Docker : terminaux indisponibles.');
    if (!deps.sessions.get(match[1] ?? '')) return refuse(404, 'Session introuvable ou terminée.');
    wss.handleUpgrade(req, socket, head, (ws) => terminals.handle(ws, match[1] ?? ''));
  });

  server.on('close', () => wss.close());
  return server;
}
