// Unit tests of the highlighting chosen by file name in the editor.
import { describe, expect, it } from 'vitest';
import { languageKind } from '../../../../../src/workspace/editor/language-kind.ts';

describe('languageKind', () => {
  it.each([
    ['/root/tp/Dockerfile', 'dockerfile'],
    ['/root/tp/Dockerfile.dev', 'dockerfile'],
    ['/root/tp/app.dockerfile', 'dockerfile'],
    ['/root/tp/dockerfile', 'dockerfile'],
    ['/root/tp/Containerfile', 'dockerfile'],
    ['/root/tp/start.sh', 'shell'],
    ['/root/.bashrc', 'shell'],
    ['/root/.profile', 'shell'],
    ['/root/tp/index.html', 'html'],
    ['/root/tp/page.htm', 'html'],
    ['/root/tp/compose.yaml', 'yaml'],
    ['/root/tp/docker-compose.yml', 'yaml'],
    ['/root/tp/docker-compose.override.yml', 'yaml'],
    ['/root/tp/hello/hello.go', 'go'],
    ['/root/tp/.dockerignore', 'text'],
    ['/root/tp/notes.log', 'text'],
    ['/root/tp/go.mod', 'text'],
    ['/root/tp/Dockerfiles/readme', 'text'],
  ])('%s → %s', (path, kind) => {
    expect(languageKind(path)).toBe(kind);
  });
});
