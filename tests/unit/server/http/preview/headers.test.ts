// Unit tests of what a student's app may say to the browser through the preview (headers.ts):
// cookies under the course's names refused in every spelling a browser accepts, Domain dropped,
// Path kept under the preview's prefix whatever its spelling, one canonical form written back,
// and the headers that act on a whole origin gone. Property tests (fast-check) cover the rest.
import fc from 'fast-check';
import { parseSetCookie } from 'set-cookie-parser';
import { describe, expect, it } from 'vitest';
import {
  isCourseCookieName,
  previewResponseHeaders,
  scopedSetCookie,
  withoutCourseCookies,
} from '../../../../../server/http/preview/headers.ts';

const prefix = '/preview/abc123/8080';
const pathForm = { prefix, appPath: '/' };
const hostForm = { prefix: '', appPath: '/' };

describe('the preview’s cookie filter', () => {
  it.each([
    'cours_apercu=volé',
    'cours_formateur=volé; Path=/',
    'cours_formateur_appareil=x; Path=/api/instructor/login',
    'Cours_Apercu=x',
    'COURS_APERCU=x',
    '  cours_apercu  = x',
    '\tcours_apercu=x',
    '__Host-cours_apercu=x; Secure; Path=/',
    '__Secure-cours_formateur=x; Secure',
    '__HOST-__Secure-cours_x=1',
    '__Host-Http-cours_apercu=x',
    '"cours_apercu"=x',
    "'cours_apercu'=x",
    ' " cours_apercu " =x',
    'cours%5Fapercu=x',
    'cours%5fapercu=x',
    'cours.apercu=x',
    'cours-apercu=x',
    'cours apercu=x',
    'cours=x',
    // No name: the browser sends the bare value back, `cours_apercu=x`.
    '=cours_apercu=x',
    ' =cours_apercu=x; Path=/',
    'cours_apercu',
    '=x',
    'sans-nom',
    // Control characters: the browser ignores it; so do we.
    'a=b\u0001; Path=/',
    'a=b; Path=/\u001b',
  ])('drops %j', (header) => {
    expect(scopedSetCookie(header, pathForm)).toBeUndefined();
    expect(scopedSetCookie(header, hostForm)).toBeUndefined();
  });

  it.each(['courses', 'cours2', 'coursier', 'mes_cours_x', 'session', '__Host-session'])('keeps %j', (name) => {
    expect(isCourseCookieName(name)).toBe(false);
    expect(scopedSetCookie(`${name}=1`, hostForm)).toBe(`${name}=1`);
  });

  it.each([
    // [Set-Cookie, the app's path asked, the Path the browser gets]
    ['s=1', '/', `${prefix}/`],
    ['s=1', '/login/form?x=1', `${prefix}/login`],
    ['s=1; Path=/', '/', `${prefix}/`],
    ['s=1; path=/app', '/', `${prefix}/app`],
    ['s=1;   PATH  =  /app  ', '/', `${prefix}/app`],
    ['s=1; Path=', '/a/b', `${prefix}/a`],
    ['s=1; Path', '/a/b', `${prefix}/a`],
    ['s=1; Path=app', '/', `${prefix}/`],
    ['s=1; Path=/../../', '/', `${prefix}/`],
    ['s=1; Path=/a/../../../preview/autre/8080/', '/', `${prefix}/preview/autre/8080/`],
    ['s=1; Path=/%2e%2e/%2E%2E/x', '/', `${prefix}/x`],
    ['s=1; Path=/\\..\\..\\x', '/', `${prefix}/x`],
    ['s=1; Path=//autre-hote/x', '/', `${prefix}//autre-hote/x`],
    ['s=1; Path=/a; Path=/b', '/', `${prefix}/b`],
    ['s=1; Path=/a; Path=', '/c/d', `${prefix}/c`],
    ['s=1; Path=/é x', '/', `${prefix}/%C3%A9%20x`],
    [`s=1; Path=/${'a'.repeat(2000)}`, '/', `${prefix}/`],
  ])('scopes %j asked at %j under the preview: %j', (header, appPath, path) => {
    const out = scopedSetCookie(header, { prefix, appPath });
    expect(out).toBe(`s=1; Path=${path}`);
  });

  it('drops Domain in every spelling, keeps the app’s Path on a preview host', () => {
    for (const domain of ['Domain=example.com', 'domain=.localhost', '  DOMAIN = x ', 'Domain=', 'Domain']) {
      expect(scopedSetCookie(`s=1; ${domain}; Path=/app`, hostForm)).toBe('s=1; Path=/app');
      expect(scopedSetCookie(`s=1; ${domain}`, pathForm)).toBe(`s=1; Path=${prefix}/`);
    }
    expect(scopedSetCookie('s=1; Path=relatif', hostForm)).toBe('s=1');
  });

  it('writes the attributes back in one canonical form', () => {
    expect(
      scopedSetCookie(
        's = a b ; expires=Wed, 21 Oct 2037 07:28:00 GMT;max-age=-5 ; SECURE;httponly; samesite=lax; Partitioned; Priority=High; Frobnicate',
        hostForm,
      ),
    ).toBe('s=a b; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax; Partitioned');
    expect(scopedSetCookie('s=1; Max-Age=99999999999999999999; SameSite=autre', hostForm)).toBe(
      `s=1; Max-Age=${400 * 24 * 3600}`,
    );
    expect(scopedSetCookie('s="quoted%20value"; Expires=pas une date', hostForm)).toBe('s="quoted%20value"');
    expect(scopedSetCookie(`s=${'x'.repeat(4100)}`, hostForm)).toBeUndefined();
  });

  it('keeps the course’s cookies from the app, in the Cookie header it gets', () => {
    expect(withoutCourseCookies('cours_apercu=secret; a=1;  COURS_x=2 ; b=2; cours_formateur=t')).toBe('a=1; b=2');
    expect(withoutCourseCookies('cours_apercu=secret')).toBeUndefined();
    expect(withoutCourseCookies(undefined)).toBeUndefined();
  });
});

describe('the preview’s response headers', () => {
  it('drops the headers that act on the whole origin, scopes the cookies, keeps the rest', () => {
    const out = previewResponseHeaders(
      {
        'content-type': 'text/html',
        'Service-Worker-Allowed': '/',
        'service-worker-allowed': '/',
        'clear-site-data': '"cookies", "storage"',
        'Clear-Site-Data': '"*"',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'alt-svc': 'h2="ailleurs:443"',
        nel: '{"report_to":"x","max_age":86400}',
        'report-to': '{"group":"x"}',
        'set-cookie2': 'a=1',
        'set-cookie': ['cours_apercu=volé', 'a=1; Domain=localhost', '=cours_formateur=x'],
        location: '/ailleurs',
      },
      pathForm,
    );
    expect(out).toEqual({
      'content-type': 'text/html',
      'set-cookie': [`a=1; Path=${prefix}/`],
      location: '/ailleurs',
    });
    expect(previewResponseHeaders({ 'set-cookie': 'cours_apercu=x' }, hostForm)).toEqual({});
  });
});

/** A spelling of a course cookie's name that a browser would accept. */
const courseName = fc
  .tuple(
    fc.constantFrom('', '__Host-', '__Secure-', '__host-', '__SECURE-', '__Http-', '__Host-Http-'),
    fc.constantFrom('', ' ', '\t', '"', ' "'),
    fc.mixedCase(fc.constantFrom('cours_apercu', 'cours_formateur', 'cours_formateur_appareil', 'cours_x')),
    fc.constantFrom('', ' ', '"', '\t'),
  )
  .map(([browserPrefix, before, name, after]) => `${before}${browserPrefix}${name}${after}`);

/** Header text as undici hands it over: Latin-1, any of it. */
const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) });
const attribute = fc.oneof(
  fc.constantFrom('Secure', 'HttpOnly', 'SameSite=None', 'Partitioned', 'Max-Age=60'),
  fc
    .tuple(fc.mixedCase(fc.constantFrom('path', 'domain', 'expires')), fc.constantFrom('=', ' = ', '='), latin1)
    .map(([k, eq, v]) => `${k}${eq}${v}`),
  latin1,
);

describe('the preview’s cookie filter, on any input', () => {
  it('never lets a course cookie through, whatever the spelling and attributes', () => {
    fc.assert(
      fc.property(courseName, latin1, fc.array(attribute, { maxLength: 5 }), (name, value, attributes) => {
        const header = [`${name}=${value}`, ...attributes].join(';');
        expect(scopedSetCookie(header, pathForm)).toBeUndefined();
        expect(scopedSetCookie(`=${header}`, hostForm)).toBeUndefined();
      }),
    );
  });

  it('gives back a cookie a browser reads with the same name and value, no Domain, a Path under the prefix', () => {
    fc.assert(
      fc.property(
        latin1,
        fc.array(attribute, { maxLength: 6 }),
        fc.constantFrom('/', '/a/b', '/a/b/', '/x?y=/z'),
        (nameValue, attributes, appPath) => {
          const header = [nameValue, ...attributes].join(';');
          const out = scopedSetCookie(header, { prefix, appPath });
          if (out === undefined) return;
          const [before] = parseSetCookie(header, { decodeValues: false, silent: true, split: false });
          const [after] = parseSetCookie(out, { decodeValues: false, silent: true, split: false });
          expect(after?.name).toBe(before?.name);
          expect(after?.value).toBe(before?.value);
          expect(isCourseCookieName(after?.name ?? '')).toBe(false);
          expect(after?.domain).toBeUndefined();
          expect(after?.path?.startsWith(`${prefix}/`)).toBe(true);
          // A header Node will send: no control characters.
          // eslint-disable-next-line no-control-regex
          expect(out).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});
