// The contract's constants: limits, terminal bounds, close codes, learner ids and keys. Plain
// values without zod, so the browser's bundles import them without the schema library.

/** What a check's evidence keeps (lines it printed with the library's `evidence` helper). */
export const evidenceLimits = { lines: 20, chars: 300 } as const;

/** Lab id that gives a plain sandbox, with no TP. */
export const sandboxLabId = 'bac-a-sable';

/** Bounds of what clients may send. */
export const limits = {
  /** Largest REST body, in bytes. */
  maxBodyBytes: 16 * 1024,
  /** Longest answer to a question step, in characters. */
  maxAnswerLength: 500,
  /** Largest WebSocket frame; a bigger one closes the connection with code 1009. */
  maxFrameBytes: 64 * 1024,
  /** Largest JSON control frame on the terminal WebSocket. */
  maxControlBytes: 4096,
  /**
   * Seconds a WebSocket (terminal, class feed, watch) may wait before its `auth` message: a
   * page sends it as soon as the socket opens, so 5 s is plenty, and sockets that never prove
   * who they are hold their place only briefly.
   */
  authTimeoutSeconds: 5,
} as const;

/** Terminal size bounds accepted by the server. */
export const terminalBounds = { minCols: 10, maxCols: 500, minRows: 3, maxRows: 200 } as const;

/** WebSocket close codes (4000-4999 are ours; 1009 is the protocol's "message too big"). */
export const closeCodes = {
  unauthorized: 4401,
  authTimeout: 4408,
  replaced: 4409,
  ended: 4410,
  /** The sandbox stopped taking keystrokes and the client kept sending: the connection is dropped. */
  inputOverflow: 4413,
  tooBig: 1009,
} as const;

/** A learner's id (random, base64url); before server-issued keys, browsers made their own. */
export const learnerIdPattern = /^[A-Za-z0-9_-]{16,64}$/;

/** The secret the server issues to a learner (256 bits, base64url), sent in this header. */
export const learnerKeyPattern = /^[A-Za-z0-9_-]{43}$/;
export const learnerKeyHeader = 'x-learner-key';

/** Bounds of the classroom: classes, their members, the instructor's messages. */
export const classLimits = {
  maxTitleLength: 100,
  maxNameLength: 40,
  maxSeats: 200,
  maxLabs: 10,
  maxMessageLength: 500,
  /** Longest a class may run, from its creation. */
  maxHours: 24 * 7,
  /** Longest "Fin du cours" countdown. */
  maxEndSeconds: 600,
  /** Sessions one class member may hold at once. */
  sessionsPerMember: 2,
  /** Class feeds (pages) one member, and the instructor, may have open at once. */
  feedsPerMember: 8,
  feedsPerInstructor: 30,
  /** Largest JSON frame on the class feed. */
  maxFeedFrameBytes: 4096,
  /** Class members one client address may hold, in all running classes (CLASS_MEMBERS_PER_CLIENT's default). */
  membersPerClient: 40,
} as const;

/**
 * A class's join code: DKR- and two groups of four characters without look-alikes (no 0/O,
 * 1/I/L), read aloud in two breaths. 31^8 ≈ 8.5 × 10^11 codes. Guessing at the most the server
 * lets one address try (120 joins + 120 recoveries a minute, before the failure backoff slows
 * it to a few an hour) is 240 × 60 × 24 × 365 ≈ 1.3 × 10^8 tries a year; with even 1 000
 * classes live at once, finding one takes on average 8.5 × 10^11 / 1 000 / 2 / 1.3 × 10^8 ≈ 3
 * years, 30 with 100 live classes (a class lasts a week at most). Codes of the first version
 * (four characters, 920 000 of them) are replaced at start in the classes still running.
 */
export const classCodePattern = /^DKR-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
/** What a join code looks like, in the forms' examples and error messages. */
export const classCodeExample = 'DKR-7Q4P-M3XA';
/** A class member's recovery code, shown once at join: three groups of four. */
export const recoveryCodePattern = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
/** The instructor's cookie (HttpOnly); outside tools send the same token as a Bearer. */
export const instructorCookie = 'cours_formateur';
