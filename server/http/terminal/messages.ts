// Parses the terminal WebSocket's JSON control frames with the contract's schema, and words
// what is wrong in French for the client.
import { clientMessageSchema, type ClientMessage } from '../../../shared/contract.ts';
import { terminalBounds } from '../../../shared/limits.ts';

/** The client's control message, or the French reason it was refused. */
export function parseControl(text: string): ClientMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Message de contrôle illisible : JSON attendu.';
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const type = (value as { type?: unknown } | null)?.type;
  switch (type) {
    case 'auth':
      return 'Authentification invalide : {"type":"auth","token":"..."} attendu.';
    case 'resize': {
      const b = terminalBounds;
      return `Taille de terminal invalide : colonnes entre ${b.minCols} et ${b.maxCols}, lignes entre ${b.minRows} et ${b.maxRows}.`;
    }
    case 'ack':
      return 'Accusé de réception invalide : {"type":"ack","bytes":<entier positif>} attendu.';
    default:
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? `Type de message inconnu : ${typeof type === 'string' ? type.slice(0, 40) : typeof type}.`
        : 'Message de contrôle invalide : un objet JSON est attendu.';
  }
}
