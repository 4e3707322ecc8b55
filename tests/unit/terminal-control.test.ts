// Unit tests of the terminal's control messages: bounds and French errors.
import { describe, expect, it } from 'vitest';
import { parseControl } from '../../server/terminal/socket.ts';

describe('parseControl', () => {
  it('accepts the contract’s messages', () => {
    expect(parseControl('{"type":"auth","token":"t"}')).toEqual({ type: 'auth', token: 't' });
    expect(parseControl('{"type":"auth","token":"t","flow":"ack"}')).toEqual({ type: 'auth', token: 't', flow: 'ack' });
    expect(parseControl('{"type":"resize","cols":80,"rows":24}')).toEqual({ type: 'resize', cols: 80, rows: 24 });
    expect(parseControl('{"type":"ack","bytes":4096}')).toEqual({ type: 'ack', bytes: 4096 });
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
    expect(parseControl('{"type":"ack","bytes":-1}')).toMatch(/invalide/);
    expect(parseControl('null')).toMatch(/invalide/);
  });
});
