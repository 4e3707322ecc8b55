// Checks the ustar writer against the system's tar.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTar } from '../../../../server/sandbox/tar.ts';

describe('createTar', () => {
  it('writes an archive that tar extracts with paths, contents and modes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tar-'));
    const archive = createTar([
      { path: 'tp/index.html', mode: 0o644, content: Buffer.from('<h1>Été</h1>\n') },
      { path: 'tp/start.sh', mode: 0o755, content: Buffer.from('#!/bin/sh\n') },
    ]);
    writeFileSync(path.join(dir, 'a.tar'), archive);
    execFileSync('tar', ['-x', '-f', 'a.tar'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'tp/index.html'), 'utf8')).toBe('<h1>Été</h1>\n');
    expect(statSync(path.join(dir, 'tp/start.sh')).mode & 0o777).toBe(0o755);
  });

  it('refuses paths ustar cannot hold', () => {
    expect(() => createTar([{ path: 'x'.repeat(101), mode: 0o644, content: Buffer.alloc(0) }])).toThrow();
  });
});
