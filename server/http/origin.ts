// Browsers always send Origin on cross-site and WebSocket requests: a foreign one is refused.

export function originAllowed(origin: string | undefined, allowed: Set<string>): boolean {
  return origin === undefined || allowed.has(origin);
}
