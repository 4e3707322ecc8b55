// parseFrame: size checked before reading, JSON, the schema, each refusal in the socket's words.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseFrame, typeOf } from '../../../../../server/http/socket/frames.ts';

const schema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().max(10) }),
  z.object({ type: z.literal('ping') }),
]);

const parse = parseFrame(schema, {
  maxBytes: 32,
  tooBig: 'trop gros',
  unreadable: 'illisible',
  invalid: (value) => `invalide : ${String(typeOf(value))}`,
});

describe('parseFrame', () => {
  it('returns the message the schema accepts', () => {
    expect(parse(Buffer.from('{"type":"auth","token":"t"}'))).toEqual({
      ok: true,
      message: { type: 'auth', token: 't' },
    });
  });

  it('refuses a frame past the limit as too big, before parsing it', () => {
    expect(parse(Buffer.from(`{"type":"ping","pad":"${'x'.repeat(40)}"}`))).toEqual({
      ok: false,
      reason: 'trop gros',
      tooBig: true,
    });
    // Counted in bytes, not characters.
    expect(parse(Buffer.from(`"${'é'.repeat(16)}"`))).toMatchObject({ reason: 'trop gros' });
  });

  it('words bad JSON and values outside the schema as the socket says', () => {
    expect(parse(Buffer.from('{oops'))).toEqual({ ok: false, reason: 'illisible', tooBig: false });
    expect(parse(Buffer.from('{"type":"rm"}'))).toEqual({ ok: false, reason: 'invalide : rm', tooBig: false });
    expect(parse(Buffer.from('{"type":"auth","token":3}'))).toMatchObject({ reason: 'invalide : auth' });
    expect(parse(Buffer.from('null'))).toMatchObject({ reason: 'invalide : undefined' });
    expect(parse(Buffer.from('7'))).toMatchObject({ reason: 'invalide : undefined' });
  });
});
