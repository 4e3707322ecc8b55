// The site's Content-Security-Policy: only its own scripts run (Astro bundles every script into
// /_astro/, none inline, and the speaker view is a page of the site, not a written window), so
// script-src is 'self' alone. Styles may be inline: Shiki colours code with style attributes and
// reveal.js and xterm.js set styles. Frames are the site's own (the speaker view's previews);
// nobody else may frame it.
export const contentSecurityDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};
