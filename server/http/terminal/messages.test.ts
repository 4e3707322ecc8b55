// Unit tests of the terminal control-frame parser: valid messages pass, bad ones get French reasons.
import { describe, expect, it } from 'vitest';
import { parseControl } from './messages.ts';

describe('parseControl', () => {
  it('accepts the contract messages', () => {
    expect(parseControl('{"type":"auth","token":"t"}')).toEqual({ type: 'auth', token: 't' });
    expect(parseControl('{"type":"auth","token":"t","flow":"ack"}')).toEqual({ type: 'auth', token: 't', flow: 'ack' });
    expect(parseControl('{"type":"resize","cols":80,"rows":24}')).toEqual({ type: 'resize', cols: 80, rows: 24 });
    expect(parseControl('{"type":"ack","bytes":4096}')).toEqual({ type: 'ack', bytes: 4096 });
    expect(parseControl('{"type":"ping"}')).toEqual({ type: 'ping' });
  });

  it.each([
    '{"type":"resize","cols":9,"rows":24}',
    '{"type":"resize","cols":501,"rows":24}',
    '{"type":"resize","cols":80,"rows":0}',
    '{"type":"resize","cols":80.5,"rows":24}',
    '{"type":"resize","cols":"80","rows":24}',
  ])('refuses the resize %s', (text) => {
    expect(parseControl(text)).toMatch(/Taille de terminal invalide/);
  });

  it('refuses bad JSON, unknown types and bad fields with French messages', () => {
    expect(parseControl('{oops')).toMatch(/illisible/);
    expect(parseControl('{"type":"rm -rf"}')).toMatch(/Type de message inconnu/);
    expect(parseControl('{"type":"auth","token":3}')).toMatch(/Authentification invalide/);
    expect(parseControl('{"type":"auth","token":"' + 'x'.repeat(300) + '"}')).toMatch(/Authentification invalide/);
    expect(parseControl('{"type":"ack","bytes":-1}')).toMatch(/invalide/);
    expect(parseControl('null')).toMatch(/invalide/);
    expect(parseControl('[1]')).toMatch(/objet JSON/);
    expect(parseControl('{"type":{"toString":1}}')).toMatch(/Type de message inconnu/);
  });
});
