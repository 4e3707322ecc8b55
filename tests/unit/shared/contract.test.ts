// Unit tests of the zod contract: what REST bodies, WebSocket messages and session states it accepts or refuses.
import { describe, expect, it } from 'vitest';
import {
  checkBody,
  clientMessageSchema,
  createLearnerBody,
  createSessionBody,
  learnerIdSchema,
  serverMessageSchema,
  sessionIdSchema,
  sessionStateSchema,
} from '../../../shared/contract.ts';
import { limits, terminalBounds } from '../../../shared/limits.ts';

const learner = 'Abc_def-0123456789';

describe('createSessionBody', () => {
  it.each([{}, { lab: 'tp-images' }, { learner }, { lab: 'bac-a-sable', learner }, { learner: 'a'.repeat(64) }])(
    'accepts %j',
    (body) => {
      expect(createSessionBody.safeParse(body).success).toBe(true);
    },
  );

  it.each([{ lab: null }, { lab: 123 }, { lab: '' }, { lab: 'x'.repeat(101) }, { lab: ['tp-images'] }])(
    'refuses %j',
    (body) => {
      const result = createSessionBody.safeParse(body);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['lab']);
    },
  );

  it('accepts a lab id of exactly 100 characters', () => {
    expect(createSessionBody.safeParse({ lab: 'x'.repeat(100) }).success).toBe(true);
  });

  it.each([
    ['too short', 'a'.repeat(15)],
    ['too long', 'a'.repeat(65)],
    ['a space', 'abcdefgh ijklmnop'],
    ['a dot', 'abcdefgh.ijklmnop'],
    ['a slash', 'abcdefgh/ijklmnop'],
    ['an accent', 'abcdéfghijklmnopq'],
    ['empty', ''],
  ])('refuses an old learner id with %s', (_what, id) => {
    const result = createLearnerBody.safeParse({ legacyId: id });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['legacyId']);
    expect(result.error?.issues[0]?.message).toMatch(/Identifiant d’apprenant invalide/);
  });

  it('refuses an old learner id that is not a string', () => {
    expect(createLearnerBody.safeParse({ legacyId: 1234567890123456 }).success).toBe(false);
  });
});

describe('identifiers', () => {
  it('takes learner ids of 16 to 64 characters of [A-Za-z0-9_-]', () => {
    expect(learnerIdSchema.safeParse('a'.repeat(16)).success).toBe(true);
    expect(learnerIdSchema.safeParse('_-'.repeat(32)).success).toBe(true);
    expect(learnerIdSchema.safeParse('a'.repeat(15)).success).toBe(false);
  });

  it('takes hexadecimal session ids only', () => {
    expect(sessionIdSchema.safeParse('0123abcdef').success).toBe(true);
    expect(sessionIdSchema.safeParse('ABCDEF').success).toBe(false);
    expect(sessionIdSchema.safeParse('xyz').success).toBe(false);
    expect(sessionIdSchema.safeParse('').success).toBe(false);
    expect(sessionIdSchema.safeParse('a'.repeat(65)).success).toBe(false);
  });
});

describe('checkBody', () => {
  it('accepts no answer, an empty answer and an answer at the limit', () => {
    expect(checkBody.safeParse({}).success).toBe(true);
    expect(checkBody.safeParse({ answer: '' }).success).toBe(true);
    expect(checkBody.safeParse({ answer: 'x'.repeat(limits.maxAnswerLength) }).success).toBe(true);
  });

  it('refuses an answer over the limit, in French', () => {
    const result = checkBody.safeParse({ answer: 'x'.repeat(limits.maxAnswerLength + 1) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/Réponse trop longue \(maximum 500 caractères\)/);
  });

  it('refuses an answer that is not a string', () => {
    expect(checkBody.safeParse({ answer: 42 }).success).toBe(false);
    expect(checkBody.safeParse({ answer: null }).success).toBe(false);
  });
});

describe('clientMessageSchema', () => {
  it.each([
    { type: 'auth', token: 'jeton' },
    { type: 'auth', token: 'jeton', flow: 'ack' },
    { type: 'resize', cols: 80, rows: 24 },
    { type: 'resize', cols: terminalBounds.minCols, rows: terminalBounds.minRows },
    { type: 'resize', cols: terminalBounds.maxCols, rows: terminalBounds.maxRows },
    { type: 'ack', bytes: 0 },
    { type: 'ack', bytes: 65536 },
    { type: 'ack', bytes: Number.MAX_SAFE_INTEGER },
    { type: 'ping' },
  ])('accepts %j', (message) => {
    expect(clientMessageSchema.safeParse(message).success).toBe(true);
  });

  it.each([
    { type: 'resize', cols: terminalBounds.minCols - 1, rows: 24 },
    { type: 'resize', cols: terminalBounds.maxCols + 1, rows: 24 },
    { type: 'resize', cols: 80, rows: terminalBounds.minRows - 1 },
    { type: 'resize', cols: 80, rows: terminalBounds.maxRows + 1 },
    { type: 'resize', cols: 80.5, rows: 24 },
    { type: 'resize', cols: '80', rows: 24 },
    { type: 'resize', cols: 80 },
    { type: 'ack', bytes: -1 },
    { type: 'ack', bytes: 1.5 },
    { type: 'ack', bytes: Number.MAX_SAFE_INTEGER + 2 },
    { type: 'ack' },
    { type: 'auth' },
    { type: 'auth', token: 42 },
    { type: 'auth', token: 'x'.repeat(201) },
    { type: 'auth', token: 'jeton', flow: 'credit' },
    { type: 'input', data: 'ls' },
    { token: 'jeton' },
    null,
    'ping',
  ])('refuses %j', (message) => {
    expect(clientMessageSchema.safeParse(message).success).toBe(false);
  });
});

describe('serverMessageSchema', () => {
  it.each([
    { type: 'ready' },
    { type: 'exit' },
    { type: 'error', message: 'Session introuvable.' },
    { type: 'status', message: 'Préparation du TP…' },
    { type: 'time', expiresAt: '2030-01-01T00:00:00.000Z', idleExpiresAt: '2030-01-01T00:00:00.000Z' },
    { type: 'expired', message: 'Le temps est écoulé.' },
    { type: 'pong' },
  ])('accepts %j', (message) => {
    expect(serverMessageSchema.safeParse(message).success).toBe(true);
  });

  it.each([{ type: 'error' }, { type: 'time', expiresAt: 'x' }, { type: 'bonjour' }, {}])('refuses %j', (message) => {
    expect(serverMessageSchema.safeParse(message).success).toBe(false);
  });
});

describe('sessionStateSchema', () => {
  const state = {
    id: 'abc123',
    token: 'jeton',
    lab: 'tp-images',
    expiresAt: '2030-01-01T00:00:00.000Z',
    idleExpiresAt: '2030-01-01T00:00:00.000Z',
    state: 'ready',
  };

  it.each(['preparing', 'ready', 'failed'])('accepts the state %s', (value) => {
    expect(sessionStateSchema.safeParse({ ...state, state: value }).success).toBe(true);
  });

  it('refuses an unknown state', () => {
    const result = sessionStateSchema.safeParse({ ...state, state: 'running' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['state']);
  });

  it('refuses a state without its token', () => {
    const { token: _token, ...withoutToken } = state;
    expect(sessionStateSchema.safeParse(withoutToken).success).toBe(false);
  });
});
