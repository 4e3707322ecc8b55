// The public contract in zod, shared by the server and the browser: every REST body and reply
// and every WebSocket control message; its constants (limits, close codes) are in limits.ts.
// Types are inferred from the schemas. Imports nothing but zod and limits.ts.
import { z } from 'zod';
import { learnerIdPattern, limits, terminalBounds } from './limits.ts';

// ---- Identifiers (path parameters) -------------------------------------------------------

export const learnerIdSchema = z
  .string()
  .regex(learnerIdPattern, 'Identifiant d’apprenant invalide (16 à 64 caractères parmi A-Z, a-z, 0-9, - et _).');
export const sessionIdSchema = z
  .string()
  .regex(/^[a-f0-9]{1,64}$/, 'Identifiant de session invalide (chiffres hexadécimaux).');
const contentIdSchema = z.string().min(1).max(100);

export const labParams = z.object({ id: contentIdSchema.describe('Id of the TP') });
export const sessionParams = z.object({ id: sessionIdSchema.describe('Id of the session') });
export const stepParams = z.object({
  id: sessionIdSchema.describe('Id of the session'),
  stepId: contentIdSchema.describe('Id of the step in the session’s TP'),
});

// ---- REST bodies and replies --------------------------------------------------------------

export const apiErrorSchema = z.object({
  /** What happened and what to do, in French. */
  error: z.string(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const healthSchema = z.object({ ok: z.literal(true), engine: z.boolean() });
export type Health = z.infer<typeof healthSchema>;

export const readinessSchema = z.object({
  ready: z.boolean(),
  /** What is not ready yet, in French (empty once ready). */
  waiting: z.array(z.string()),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const labSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  steps: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      kind: z.enum(['task', 'question']),
      /** Estimated time for a student, in minutes. */
      minutes: z.number().int(),
      /** A final challenge: no hint, no solution, only its check. */
      challenge: z.boolean(),
    }),
  ),
});
export type LabSummary = z.infer<typeof labSummarySchema>;
export const labListSchema = z.array(labSummarySchema);

export const createSessionBody = z.object({
  /** The TP to prepare in the sandbox; `bac-a-sable` or absent for a bare sandbox. */
  lab: contentIdSchema.optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const sessionStates = ['starting', 'preparing', 'ready', 'failed'] as const;

export const sessionStateSchema = z.object({
  id: z.string(),
  /** The bearer token; only given when the session is created. */
  token: z.string(),
  lab: z.string(),
  /** ISO 8601 date after which the sandbox is removed, whatever happens. */
  expiresAt: z.string(),
  /** ISO 8601 date at which the sandbox is removed if nothing happens in it until then. */
  idleExpiresAt: z.string(),
  /**
   * `starting` while the sandbox waits its turn or starts, `preparing` while the TP's set-up
   * runs, `ready` once the terminal can be used, `failed` when either went wrong.
   */
  state: z.enum(sessionStates),
  /** While starting or preparing: how many students' work waits before this session's. */
  ahead: z.number().int().min(0).optional(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;
/** What `POST /api/sessions` answers. */
export type SessionCreated = SessionState;

export const checkBody = z.object({
  /** The answer to a question step. */
  answer: z
    .string()
    .max(limits.maxAnswerLength, `Réponse trop longue (maximum ${limits.maxAnswerLength} caractères).`)
    .optional(),
});
export type CheckBody = z.infer<typeof checkBody>;

export const checkAnswerSchema = z.object({
  passed: z.boolean(),
  /** Why, in French. */
  message: z.string(),
});
export type CheckAnswer = z.infer<typeof checkAnswerSchema>;

export const setupDoneSchema = z.object({ ok: z.literal(true) });

/** A body with nothing in it (or no body at all). */
export const emptyBody = z.object({});

export const hintBody = z.object({
  /** Which hint: 0 for the first; hints come one at a time, so at most the number already shown. */
  index: z.number().int().min(0).max(50),
});
export type HintBody = z.infer<typeof hintBody>;

export const hintSchema = z.object({
  index: z.number().int(),
  /** How many hints the step has. */
  count: z.number().int(),
  /** The hint, as HTML. */
  html: z.string(),
});
export type Hint = z.infer<typeof hintSchema>;

export const solutionSchema = z.object({
  /** The step's solution, as HTML. */
  html: z.string(),
});
export type Solution = z.infer<typeof solutionSchema>;

export const createLearnerBody = z.object({
  /** The id this browser made itself before keys were issued: its progress is taken over, once. */
  legacyId: learnerIdSchema.optional(),
});
export type CreateLearnerBody = z.infer<typeof createLearnerBody>;

export const learnerCreatedSchema = z.object({
  /** The learner's secret: sent as the X-Learner-Key header to open sessions and read progress. */
  key: z.string(),
});
export type LearnerCreated = z.infer<typeof learnerCreatedSchema>;

export const progressSchema = z.object({
  steps: z.array(z.object({ labId: z.string(), stepId: z.string(), passedAt: z.string() })),
});
export type Progress = z.infer<typeof progressSchema>;

// ---- Terminal WebSocket control messages -------------------------------------------------

const cols = z.number().int().min(terminalBounds.minCols).max(terminalBounds.maxCols);
const rows = z.number().int().min(terminalBounds.minRows).max(terminalBounds.maxRows);

/** Control messages the browser sends as text frames. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().max(200), flow: z.literal('ack').optional() }),
  z.object({ type: z.literal('resize'), cols, rows }),
  /** Flow control (opt-in with `flow: "ack"`): bytes of output the terminal has processed. */
  z.object({ type: z.literal('ack'), bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Control messages the server sends as text frames. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('exit') }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('status'), message: z.string() }),
  z.object({ type: z.literal('time'), expiresAt: z.string(), idleExpiresAt: z.string() }),
  z.object({ type: z.literal('expired'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
