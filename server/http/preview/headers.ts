// What a student's app may say to the browser through the preview: its cookies, parsed as a
// browser parses them (RFC 6265bis, set-cookie-parser) and written back in one canonical
// form, kept inside its own preview (no Domain; on the path form, a Path under its prefix),
// never one of the course's own names; and none of the headers that act on a whole origin.
import { parseSetCookie } from 'set-cookie-parser';

/** The course's cookies all start with this (shared/limits.ts, proxy.ts, routes/instructor.ts). */
const coursePrefix = 'cours';

/** Cookie name prefixes browsers give a meaning to (RFC 6265bis 4.1.3, and Chrome's __Http-). */
const browserPrefixes = /^(?:__host-http-|__host-|__secure-|__http-)/;

/** A browser keeps a cookie's name and value up to 4096 bytes in all (RFC 6265bis 5.7). */
const maxNameValueBytes = 4096;
/** A browser caps a cookie's life at 400 days (RFC 6265bis 5.6.2). */
const maxAgeSeconds = 400 * 24 * 3600;
/** A browser ignores a longer attribute value (RFC 6265bis 5.6). */
const maxPathBytes = 1024;

/**
 * Response headers that act beyond the page that sends them, on the whole preview origin (on
 * the path form, the course's own host name: cookies and HSTS ignore the port), so no app sends them.
 */
const originWideHeaders = new Set([
  // Widens a service worker's scope beyond its script's folder: the whole preview origin.
  'service-worker-allowed',
  // Wipes the origin's cookies and storage (every preview's cookie on the path form).
  'clear-site-data',
  // Forces https on the host, and with includeSubDomains on every site under it.
  'strict-transport-security',
  // Sends the origin's later requests to another server.
  'alt-svc',
  // Reports the origin's requests (other previews' addresses) to a server of the app's choosing.
  'nel',
  'report-to',
  // Remembered for the origin: what every later request tells about the browser.
  'accept-ch',
  'critical-ch',
  // Obsolete, never honoured, never useful.
  'set-cookie2',
]);

/** Control characters make a browser ignore the whole Set-Cookie (RFC 6265bis 5.6 step 1). */
// eslint-disable-next-line no-control-regex
const controls = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Whether a cookie name is, or would be read by a lenient parser as, one of the course's: any
 * case, surrounding spaces or quotes, percent-escapes, a browser prefix, `cours` then any
 * separator (PHP reads `cours.x` as `cours_x`).
 */
export function isCourseCookieName(name: string): boolean {
  let folded = name.toLowerCase();
  try {
    folded = decodeURIComponent(folded);
  } catch {
    // Not escaped: taken as it is.
  }
  for (let previous = ''; previous !== folded;) {
    previous = folded;
    folded = folded.replace(/^[\s"']+|[\s"']+$/g, '').replace(browserPrefixes, '');
  }
  return folded.startsWith(coursePrefix) && !/^[\p{L}\p{N}]/u.test(folded.slice(coursePrefix.length));
}

/** Where the app's cookies may live: the path form's prefix, and the path the app was asked. */
export interface PreviewScope {
  /** `/preview/<id>/<port>` on the path form; empty on a preview host, whose paths are the app's own. */
  prefix: string;
  /** The app's own path of the request (after the prefix), query included or not. */
  appPath: string;
}

/** A browser's default cookie path for a request path (RFC 6265bis 5.1.4). */
function defaultPath(requestPath: string): string {
  const path = requestPath.split(/[?#]/)[0] ?? '';
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** The cookie's Path as the app meant it, under the preview's prefix on the path form. */
function scopedPath(path: string | undefined, scope: PreviewScope): string | undefined {
  // A Path that is empty or does not start with `/` is ignored by browsers: the default applies.
  const own = path?.startsWith('/') ? path : undefined;
  if (!scope.prefix) return own;
  let resolved: string;
  try {
    // Dot segments, backslashes and escapes resolved as the browser resolves the page's URL.
    resolved = new URL(`http://apercu${own ?? defaultPath(scope.appPath)}`).pathname;
  } catch {
    resolved = '/';
  }
  const scoped = scope.prefix + resolved;
  return Buffer.byteLength(scoped) > maxPathBytes ? `${scope.prefix}/` : scoped;
}

/** One Set-Cookie of the app, as the browser will get it; undefined when it is dropped. */
export function scopedSetCookie(header: string, scope: PreviewScope): string | undefined {
  if (controls.test(header)) return undefined;
  const [cookie] = parseSetCookie(header, { decodeValues: false, silent: true, split: false });
  // A cookie without a name is sent back as its bare value (`=cours_apercu=x` comes back as
  // `cours_apercu=x`): no app gets to send one.
  if (!cookie?.name || isCourseCookieName(cookie.name)) return undefined;
  if (Buffer.byteLength(cookie.name) + Buffer.byteLength(cookie.value) > maxNameValueBytes) return undefined;
  const parts = [`${cookie.name}=${cookie.value}`];
  // No Domain: a host-only cookie, that no other preview host (nor the course) gets.
  const path = scopedPath(cookie.path, scope);
  if (path) parts.push(`Path=${path}`);
  if (cookie.expires) parts.push(`Expires=${cookie.expires.toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.min(maxAgeSeconds, cookie.maxAge))}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  const sameSite = { strict: 'Strict', lax: 'Lax', none: 'None' }[cookie.sameSite?.toLowerCase() ?? ''];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  if (cookie.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

type Headers = Record<string, string | string[] | number | undefined>;

/** The app's response headers as the browser gets them: its cookies scoped, the origin-wide ones gone. */
export function previewResponseHeaders<T extends Headers>(headers: T, scope: PreviewScope): T {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (originWideHeaders.has(lower)) continue;
    if (lower === 'set-cookie') {
      const cookies = (Array.isArray(value) ? value : [String(value ?? '')]).flatMap(
        (c) => scopedSetCookie(c, scope) ?? [],
      );
      if (cookies.length > 0) out[name] = cookies;
      continue;
    }
    out[name] = value;
  }
  return out as T;
}

/** A browser's Cookie header without the course's cookies (the app never sees them); undefined if none left. */
export function withoutCourseCookies(header: string | undefined): string | undefined {
  const kept = header
    ?.split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair && !isCourseCookieName(pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : pair));
  return kept?.length ? kept.join('; ') : undefined;
}
