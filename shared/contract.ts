// The public contract in zod, shared by the server and the browser: every REST body and reply
// and every WebSocket control message; its constants (limits, close codes) are in limits.ts.
// Types are inferred from the schemas. Imports nothing but zod and the plain shared modules
// (limits.ts, class-codes.ts, display-name.ts).
import { z } from 'zod';
import { normalizeClassCode, normalizeRecoveryCode } from './class-codes.ts';
import { normalizeDisplayName } from './display-name.ts';
import {
  classCodeExample,
  classCodePattern,
  classLimits,
  learnerIdPattern,
  limits,
  recoveryCodePattern,
  terminalBounds,
} from './limits.ts';

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
  /** The learner the X-Learner-Key header names (optional; checked against the key when given). */
  learner: learnerIdSchema.optional(),
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

// ---- Classroom: the instructor, classes, their members and the class feed ----------------

export const classIdSchema = z.string().regex(/^[a-f0-9]{16}$/, 'Identifiant de cours invalide.');
export const classParams = z.object({ id: classIdSchema.describe('Id of the class') });
export const memberParams = z.object({
  id: classIdSchema.describe('Id of the class'),
  learner: learnerIdSchema.describe('Id of the class member'),
});

/** French-friendly one-line text: trimmed, no control characters. */
function lineOfText(max: number, what: string) {
  return (
    z
      .string()
      .trim()
      .min(1, `${what} : obligatoire.`)
      .max(max, `${what} : ${max} caractères au plus.`)
      // eslint-disable-next-line no-control-regex -- control characters are what is refused
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} : caractères de contrôle interdits.`)
  );
}

export const instructorLoginBody = z.object({ password: z.string().min(1).max(200) });
export const instructorTokenSchema = z.object({
  /** Sent as `Authorization: Bearer <token>`; also set as the HttpOnly cookie for the pages. */
  token: z.string(),
  expiresAt: z.string(),
});

export const createClassBody = z.object({
  title: lineOfText(classLimits.maxTitleLength, 'Titre'),
  /** The deck presented to the class (default: the course's deck). */
  deck: contentIdSchema.optional(),
  labs: z
    .array(contentIdSchema)
    .min(1, 'Choisissez au moins un TP.')
    .max(classLimits.maxLabs, `${classLimits.maxLabs} TP au plus.`),
  seats: z
    .number()
    .int()
    .min(1, 'Au moins une place.')
    .max(classLimits.maxSeats, `${classLimits.maxSeats} places au plus.`),
  /** ISO 8601 date at which the class ends (default: 8 hours from now). */
  endsAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateClassBody = z.infer<typeof createClassBody>;

export const classCreatedSchema = z.object({ id: z.string(), code: z.string() });

/** What a student's pages know of their class. */
export const classInfoSchema = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  deck: z.string(),
  labs: z.array(z.string()),
  endsAt: z.string(),
  /** Set once the class is over. */
  endedAt: z.string().optional(),
  /** Set while the instructor keeps new students out (members already in stay). */
  locked: z.boolean().optional(),
});
export type ClassInfo = z.infer<typeof classInfoSchema>;

export const classMemberSchema = z.object({ learner: z.string(), name: z.string(), joinedAt: z.string() });
export const classSchema = classInfoSchema.extend({
  seats: z.number().int(),
  createdAt: z.string(),
  members: z.array(classMemberSchema),
});
export type ClassDetail = z.infer<typeof classSchema>;
export const classListSchema = z.array(classInfoSchema.extend({ seats: z.number().int(), memberCount: z.number() }));

/**
 * A display name: NFKC, one space between words, no invisible or direction characters, not
 * blank (display-name.ts); the server also refuses one that looks like a classmate's.
 */
export const displayNameSchema = z
  .string()
  // Room for what NFKC and the spaces' tidying take away; the length is checked after them.
  .max(4 * classLimits.maxNameLength, `Nom : ${classLimits.maxNameLength} caractères au plus.`)
  .overwrite((input) => {
    const checked = normalizeDisplayName(input, classLimits.maxNameLength);
    return checked.ok ? checked.name : input;
  })
  .superRefine((name, context) => {
    const checked = normalizeDisplayName(name, classLimits.maxNameLength);
    if (!checked.ok) context.addIssue({ code: 'custom', message: checked.message });
  });

export const joinClassBody = z.object({
  code: z
    .string()
    .max(100)
    .overwrite(normalizeClassCode)
    .regex(classCodePattern, `Code de cours invalide : il ressemble à ${classCodeExample}.`),
  name: displayNameSchema,
});
export const recoverClassBody = z.object({
  code: joinClassBody.shape.code,
  recoveryCode: z
    .string()
    .max(100)
    .overwrite(normalizeRecoveryCode)
    .regex(recoveryCodePattern, 'Code de récupération invalide : il ressemble à ABCD-EFGH-JKMN.'),
});
export const classJoinedSchema = z.object({
  learner: z.string(),
  /** The class-scoped learner key: sent as X-Learner-Key. */
  key: z.string(),
  name: z.string(),
  class: classInfoSchema,
  /** Shown once: with the class code, it gives the learner a new key on another browser. */
  recoveryCode: z.string().optional(),
});
export type ClassJoined = z.infer<typeof classJoinedSchema>;

export const lastCheckSchema = z.object({
  lab: z.string(),
  step: z.string(),
  passed: z.boolean(),
  message: z.string(),
  at: z.string(),
  /** What the check saw (image ids, digests, lines it read), for the instructor. */
  evidence: z.array(z.string()).default([]),
});
export const dashboardStudentSchema = z.object({
  learner: z.string(),
  name: z.string(),
  /** The TP and step the student is on (null before they open one). */
  lab: z.string().nullable(),
  step: z.string().nullable(),
  /** ISO date since which they are on that step. */
  stepSince: z.string().nullable(),
  /** Steps passed, in the student's current TP. */
  passed: z.array(z.string()),
  lastCheck: lastCheckSchema.nullable(),
  /** Hints and solutions shown, in the current TP. */
  hints: z.number().int(),
  solutions: z.number().int(),
  /** Whether the student's terminal is connected now. */
  connected: z.boolean(),
  /** The student's live session (to watch their terminal), null when none. */
  session: z.string().nullable(),
  /** Whether the instructor holds the student's keyboard. */
  control: z.boolean(),
});
export type DashboardStudent = z.infer<typeof dashboardStudentSchema>;
export const failureGroupSchema = z.object({
  lab: z.string(),
  step: z.string(),
  message: z.string(),
  /** Students whose last check of that step failed with that message. */
  count: z.number().int(),
  names: z.array(z.string()),
});
export const dashboardSchema = z.object({
  class: classInfoSchema,
  students: z.array(dashboardStudentSchema),
  failures: z.array(failureGroupSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const broadcastBody = z.object({ text: lineOfText(classLimits.maxMessageLength, 'Message') });
export const gotoBody = z.object({ lab: contentIdSchema, step: contentIdSchema });
export const endClassBody = z.object({
  /** Countdown before the sessions end (default 60 s; 0 ends at once). */
  seconds: z.number().int().min(0).max(classLimits.maxEndSeconds).default(60),
});
export const slidePositionSchema = z.object({
  deck: contentIdSchema,
  h: z.number().int().min(0).max(1000),
  v: z.number().int().min(0).max(1000),
  f: z.number().int().min(-1).max(1000).default(-1),
});
export type SlidePosition = z.infer<typeof slidePositionSchema>;

/** Messages clients send on the class feed (`/ws/classes/:id/feed`), as JSON text frames. */
export const feedClientMessageSchema = z.discriminatedUnion('type', [
  /**
   * First frame. The instructor's page may rely on its cookie and send `{"type":"auth"}`;
   * outside tools send the instructor token; students send their learner key.
   */
  z.object({ type: z.literal('auth'), token: z.string().max(200).optional(), key: z.string().max(200).optional() }),
  z.object({ type: z.literal('ping') }),
  // The instructor's.
  slidePositionSchema.extend({ type: z.literal('slide') }),
  gotoBody.extend({ type: z.literal('goto') }),
  broadcastBody.extend({ type: z.literal('message') }),
  z.object({ type: z.literal('end'), seconds: endClassBody.shape.seconds }),
  z.object({ type: z.literal('control-request'), learner: learnerIdSchema }),
  z.object({ type: z.literal('control-release'), learner: learnerIdSchema.optional() }),
  // The students'.
  z.object({ type: z.literal('at'), lab: contentIdSchema, step: contentIdSchema.nullable() }),
  z.object({ type: z.literal('control-answer'), accepted: z.boolean() }),
]);
export type FeedClientMessage = z.infer<typeof feedClientMessageSchema>;

/** Messages the server sends on the class feed. */
export const feedServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), role: z.enum(['instructor', 'student']), class: classInfoSchema }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** The instructor's slide (students get it on every change and when they connect). */
  slidePositionSchema.extend({ type: z.literal('slide') }),
  /** The instructor sends the class to a TP step. */
  gotoBody.extend({ type: z.literal('goto'), at: z.string() }),
  z.object({ type: z.literal('message'), text: z.string(), at: z.string() }),
  /** The class ends at `at` (countdown), then `ended`. */
  /** `seconds` left when sent, so a browser whose clock is off still counts down right. */
  z.object({ type: z.literal('ending'), at: z.string(), seconds: z.number().int() }),
  /** To the instructor: how many students have a page of the class open now. */
  z.object({ type: z.literal('presence'), students: z.number().int() }),
  z.object({ type: z.literal('ended'), message: z.string() }),
  /** To a student: whether the instructor is watching their terminal. */
  z.object({ type: z.literal('watched'), watching: z.boolean() }),
  /** To a student: the instructor asks for the keyboard. */
  z.object({ type: z.literal('control-request') }),
  /** To the student and the instructor: who holds the student's keyboard now. */
  z.object({ type: z.literal('control'), learner: z.string(), holder: z.enum(['student', 'instructor']) }),
  /** To the instructor: the student's answer to a control request. */
  z.object({ type: z.literal('control-answer'), learner: z.string(), accepted: z.boolean() }),
  /** To the instructor: the whole dashboard at connect, then one student's row when it changes. */
  dashboardSchema.extend({ type: z.literal('dashboard') }),
  z.object({ type: z.literal('student'), student: dashboardStudentSchema }),
  z.object({ type: z.literal('failures'), failures: z.array(failureGroupSchema) }),
]);
export type FeedServerMessage = z.infer<typeof feedServerMessageSchema>;

/** Replies of the instructor's and members' small routes. */
export const instructorMeSchema = z.object({ expiresAt: z.string() });
export const classMineSchema = classInfoSchema.extend({ name: z.string() });
export const classEndingSchema = z.object({ endsAt: z.string() });
/** The instructor renames a member (a name that looks like a classmate's is refused too). */
export const renameMemberBody = z.object({ name: displayNameSchema });
export const memberRenamedSchema = classMemberSchema;
/** The instructor keeps new students out of a class, or lets them in again. */
export const lockClassBody = z.object({ locked: z.boolean() });
export const classLockedSchema = z.object({ locked: z.boolean() });

// ---- Watch WebSocket (/ws/sessions/:id/watch) ---------------------------------------------

/** What the instructor's page sends as text frames (keystrokes go as binary frames). */
export const watchClientMessageSchema = z.discriminatedUnion('type', [
  /** First frame: the page's cookie authenticates the upgrade, outside tools send the token. */
  z.object({ type: z.literal('auth'), token: z.string().max(200).optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type WatchClientMessage = z.infer<typeof watchClientMessageSchema>;

/** What the server sends as text frames (the terminal's output goes as binary frames). */
export const watchServerMessageSchema = z.discriminatedUnion('type', [
  /** The watch is live; `cols` × `rows` is the student's terminal size. */
  z.object({ type: z.literal('ready'), cols: z.number().int(), rows: z.number().int() }),
  /** The student's terminal changed size. */
  z.object({ type: z.literal('resize'), cols: z.number().int(), rows: z.number().int() }),
  z.object({ type: z.literal('control'), holder: z.enum(['student', 'instructor']) }),
  z.object({ type: z.literal('exit') }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type WatchServerMessage = z.infer<typeof watchServerMessageSchema>;

// ---- Layer explorer ------------------------------------------------------------------------

/** An image reference as Docker writes it (name, tag, digest); percent-encode its slashes in paths. */
export const imageRefSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/, 'Référence d’image invalide : par exemple mon-apache:1.0.');
export const imageParams = z.object({
  id: sessionIdSchema.describe('Id of the session'),
  ref: imageRefSchema.describe('Image reference, e.g. mon-apache:1.0 (slashes as %2F)'),
});
export const layerParams = imageParams.extend({
  index: z.coerce.number().int().min(0).max(500).describe('Layer index, 0 for the bottom one'),
});
export const layerFilesQuery = z.object({
  /** Only paths containing this text. */
  filter: z.string().max(200).optional(),
  change: z.enum(['added', 'modified', 'removed']).optional(),
});

export const sandboxImagesSchema = z.object({
  images: z.array(z.object({ ref: z.string(), id: z.string(), size: z.number(), created: z.string() })),
});
const wastedFileSchema = z.object({ path: z.string(), size: z.number() });
export const imageLayersSchema = z.object({
  image: z.string(),
  /** Bytes of all layers. */
  size: z.number(),
  /** Bytes a later layer deletes or overwrites: still stored, never seen. */
  wasted: z.number(),
  efficiency: z.number(),
  topWasted: z.array(wastedFileSchema.extend({ layer: z.number().int() })),
  layers: z.array(
    z.object({
      instruction: z.string(),
      size: z.number(),
      added: z.number().int(),
      modified: z.number().int(),
      removed: z.number().int(),
      wastedBytes: z.number(),
      /** This layer's files that a later layer deletes or overwrites, biggest first. */
      wasted: z.array(wastedFileSchema),
    }),
  ),
});
export type ImageLayers = z.infer<typeof imageLayersSchema>;
export const layerFilesSchema = z.object({
  index: z.number().int(),
  instruction: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number(), change: z.enum(['added', 'modified', 'removed']) })),
  /** More files matched than listed (5000 at most). */
  truncated: z.boolean(),
});

// ---- Workspace: files, lint, ports -------------------------------------------------------

export const fileTreeQuery = z.object({
  /** The folder listed (default /root); /root and /tmp only. */
  path: z.string().max(1024).optional(),
});
export const fileTreeSchema = z.object({
  root: z.string(),
  entries: z.array(
    z.object({
      /** Absolute path in the sandbox. */
      path: z.string(),
      type: z.enum(['file', 'dir', 'link']),
      size: z.number(),
      /** ISO 8601 modification date. */
      mtime: z.string(),
    }),
  ),
  /** More entries than listed (2000 at most, 6 folders deep). */
  truncated: z.boolean(),
});
export type FileTree = z.infer<typeof fileTreeSchema>;
export const fileSavedSchema = z.object({
  /** The saved content's ETag (its SHA-256): send it as If-Match on the next save. */
  etag: z.string(),
  size: z.number(),
});

export const lintBody = z.object({ content: z.string().max(256 * 1024, 'Dockerfile trop gros (256 Kio au plus).') });
export const lintSchema = z.object({
  findings: z.array(
    z.object({
      rule: z.string(),
      /** 1-based line. */
      line: z.number().int(),
      severity: z.enum(['error', 'warning', 'info']),
      /** French: what is wrong, why, how to fix it. */
      message: z.string(),
    }),
  ),
});
export type LintAnswer = z.infer<typeof lintSchema>;

export const portsSchema = z.array(
  z.object({
    port: z.number().int(),
    /** The preview's path: on the course's origin with the Bearer token, on the preview origin with the cookie. */
    url: z.string(),
    /**
     * The preview on the preview origin, for a browser (after POST /api/sessions/:id/preview):
     * a path of PREVIEW_PORT, or with PREVIEW_HOST its own host, <id>-<port>.<PREVIEW_HOST>.
     */
    href: z.string().optional(),
  }),
);
export type SandboxPorts = z.infer<typeof portsSchema>;

/**
 * POST /api/sessions/:id/preview: on the path form, this browser's cookie is set and the body is
 * empty; on the host form (PREVIEW_HOST), open `/__apercu/<ticket>` on the port's `href` host
 * within `expiresIn` seconds, once: that host then sets its own cookie.
 */
export const previewAccessSchema = z.object({
  ticket: z.string().optional(),
  expiresIn: z.number().int().optional(),
});
export type PreviewAccessGrant = z.infer<typeof previewAccessSchema>;
