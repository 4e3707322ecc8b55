// Unit tests of the workspace's pure pieces: the tabs' keyboard moves (WAI-ARIA tabs pattern),
// the « #editeur: » links, and the layer explorer's API paths.
import { describe, expect, it } from 'vitest';
import { editorLinkPath } from '../../../../src/workspace/editor-link.ts';
import { imageLayersPath, layerFilesPath } from '../../../../src/workspace/layers-paths.ts';
import { tabKeyTarget } from '../../../../src/workspace/tab-keys.ts';

describe('tabKeyTarget', () => {
  it.each([
    ['ArrowRight', 0, 1],
    ['ArrowRight', 3, 0],
    ['ArrowLeft', 0, 3],
    ['ArrowLeft', 2, 1],
    ['Home', 2, 0],
    ['End', 0, 3],
  ])('%s from tab %d of 4 → tab %d', (key, from, to) => {
    expect(tabKeyTarget(key, from, 4)).toBe(to);
  });

  it('leaves other keys (and an empty tab list) alone', () => {
    expect(tabKeyTarget('ArrowDown', 1, 4)).toBeUndefined();
    expect(tabKeyTarget('Enter', 1, 4)).toBeUndefined();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeUndefined();
  });
});

describe('editorLinkPath', () => {
  it('reads the sandbox path of an editor link', () => {
    expect(editorLinkPath('#editeur:/root/tp-dockerfile/Dockerfile')).toBe('/root/tp-dockerfile/Dockerfile');
    expect(editorLinkPath('#editeur:/root/mon%20dossier/index.html')).toBe('/root/mon dossier/index.html');
  });

  it('names no file for other links, empty or malformed ones', () => {
    expect(editorLinkPath('#lancer-web')).toBeUndefined();
    expect(editorLinkPath('#editeur:')).toBeUndefined();
    expect(editorLinkPath('#editeur:%E0%A4%A')).toBeUndefined();
    expect(editorLinkPath(null)).toBeUndefined();
  });
});

describe('layer explorer paths', () => {
  it('keeps an image reference in one path segment', () => {
    expect(imageLayersPath('mon-apache:1.0')).toBe('/images/mon-apache%3A1.0/layers');
    expect(imageLayersPath('registry.local/app:2')).toBe('/images/registry.local%2Fapp%3A2/layers');
  });

  it('asks for a layer’s files with only the filters given, without the leading slash', () => {
    expect(layerFilesPath('app:1', 2)).toBe('/images/app%3A1/layers/2');
    expect(layerFilesPath('app:1', 0, '  /etc/apt ', 'removed')).toBe(
      '/images/app%3A1/layers/0?filter=etc%2Fapt&change=removed',
    );
    expect(layerFilesPath('app:1', 0, '', 'added')).toBe('/images/app%3A1/layers/0?change=added');
  });
});
