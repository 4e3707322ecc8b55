// The workspace links of a page, pure: `<a href="#editeur:/root/tp/Dockerfile">` names a file
// of the sandbox to open in the editor, `<a href="#couches:mariadb">` an image to explore in
// the « Couches » tab (percent-encoded where they need to be).

export const editorLinkPrefix = '#editeur:';

/** The sandbox path an editor link's href names, or undefined when it names none. */
export function editorLinkPath(href: string | null | undefined): string | undefined {
  if (!href?.startsWith(editorLinkPrefix)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(href.slice(editorLinkPrefix.length));
  } catch {
    return undefined;
  }
  return path.trim() === '' ? undefined : path;
}

export const layersLinkPrefix = '#couches:';

/** The image reference a layers link's href names, or undefined when it names none. */
export function layersLinkRef(href: string | null | undefined): string | undefined {
  if (!href?.startsWith(layersLinkPrefix)) return undefined;
  try {
    const ref = decodeURIComponent(href.slice(layersLinkPrefix.length)).trim();
    return ref === '' ? undefined : ref;
  } catch {
    return undefined;
  }
}
