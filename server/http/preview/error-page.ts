// The preview's refusals as a browser shows them: a short French page in the « Aperçu web »
// pane or tab (rather than raw JSON), and the same JSON `error` as the API's for other clients.
import type { FastifyReply, FastifyRequest } from 'fastify';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The error page's own policy; the preview origin adds its frame-ancestors to it. */
export const errorPagePolicy = "default-src 'none'; style-src 'unsafe-inline'";

/** Whether the request is a browser's page load (it asks for HTML). */
function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

export function sendPreviewError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  void reply.code(status).header('cache-control', 'no-store');
  if (!wantsPage(request)) return reply.type('application/json; charset=utf-8').send({ error: message });
  // No script, no outside resource: the preview origin's pages have no CSP of their own.
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', errorPagePolicy)
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Aperçu indisponible</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1f2937}h1{font-size:1.2rem}</style></head>` +
        `<body><h1>Aperçu indisponible (erreur ${status})</h1><p>${escapeHtml(message)}</p></body></html>`,
    );
}
