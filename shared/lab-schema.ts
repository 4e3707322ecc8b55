// Schemas of a TP (lab) and its steps, shared by the Astro build, the server and the tests.
import { z } from 'zod';

/** Checks written in TypeScript, run by the server; a step naming another id fails the build. */
export const tsCheckIds = ['dockerfile-lint'] as const;
export type TsCheckId = (typeof tsCheckIds)[number];

/** Lab and step ids: lowercase words joined by dashes, safe in URLs and container labels. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'identifiant attendu : minuscules, chiffres et tirets')
  .max(64);

export const labMetaSchema = z.strictObject({
  /** Title shown on the home page and the TP page. */
  title: z.string().min(1).max(120),
  /** One or two French sentences: what the student will do. */
  description: z.string().min(1).max(600),
  /** Expected duration, in minutes. */
  duration: z.number().int().min(5).max(480),
  /** Level of the audience. */
  level: z.enum(['débutant', 'intermédiaire', 'avancé']),
  /** Id of the deck (file name under slides/ without .md) this TP belongs to. */
  deck: idSchema,
  /** Seconds a set-up script may take before it is cut. */
  setupTimeout: z.number().int().min(1).max(600).default(120),
  /** « À retenir »: the few points (markdown) the TP leaves the student with, shown at its end. */
  recap: z.array(z.string().min(1).max(400)).min(3).max(8),
});

export const checkRefSchema = z.union([
  /** A shell script under the lab's `checks/` folder, e.g. `pull-debian.sh`. */
  z.string().regex(/^[a-z0-9-]+\.sh$/, 'script de vérification attendu : nom-en-minuscules.sh'),
  /** A TypeScript check run by the server, with its options. */
  z.strictObject({
    ts: z.enum(tsCheckIds),
    options: z.record(z.string(), z.string()).default({}),
  }),
]);

export const stepMetaSchema = z.strictObject({
  /** Title of the step, shown in the step list. */
  title: z.string().min(1).max(160),
  /** `task`: the student changes the sandbox; `question`: the student types an answer. */
  kind: z.enum(['task', 'question']).default('task'),
  /** How the step is checked. */
  check: checkRefSchema,
  /**
   * A final challenge: no hint and no solution for the student, only its check (the solution
   * and the solve script stay, for the instructor and the tests).
   */
  challenge: z.boolean().default(false),
  /** Hints (markdown), shown one at a time; at least one, except for a challenge (none). */
  hints: z.array(z.string().min(1)).max(8).default([]),
  /** The solution (markdown), shown on demand after a confirmation. */
  solution: z.string().min(1),
  /** What a correct student would type: a bash script run in /root of the sandbox. */
  solve: z.string().min(1),
  /** Optional bash script run in the sandbox when the step starts (e.g. makes dangling images). */
  setup: z.string().min(1).optional(),
  /**
   * Seconds a check may take before it is cut and reported (a check that builds an image with
   * packages from a mirror needs a few minutes on a busy machine). The default leaves room for a
   * check that runs a container of the student's image while a whole class runs theirs.
   */
  timeout: z.number().int().min(1).max(240).default(30),
  /** For a question step: the input's label. */
  question: z.string().min(1).max(300).optional(),
  /**
   * The earlier steps whose result this step starts from (ids); by default the step just
   * before it, `[]` for a step that needs only the TP's set-up. The tests replay only these
   * before the step, so independent steps run in parallel sandboxes.
   */
  needs: z.array(idSchema).max(8).optional(),
  /** Estimated time for a student, in minutes. */
  minutes: z.number().int().min(1).max(60),
  /**
   * Ids of the deck slides (`<!-- .slide: id="…" -->` in the TP's deck) that teach what the
   * step checks: the step links to them, and the deck's link to the step must come after them.
   */
  slides: z.array(idSchema).min(1).max(6),
});

export type LabMeta = z.infer<typeof labMetaSchema>;
export type StepMeta = z.infer<typeof stepMetaSchema>;
export type CheckRef = z.infer<typeof checkRefSchema>;

/** A step as loaded from disk: its metadata, id, instructions and (for shell checks) script. */
export interface LabStep extends StepMeta {
  id: string;
  /** Instructions (markdown), the body of the step file. */
  instructions: string;
  /** The check script's text, for shell checks. */
  checkScript?: string;
}

/** A TP as loaded from disk. */
export interface Lab extends LabMeta {
  id: string;
  steps: LabStep[];
  /** Files copied into the sandbox's /root before the terminal is handed over (path -> base64). */
  files: { path: string; mode: number; contentBase64: string }[];
  /** The lab's set-up script (bash), run in /root after the files are copied. */
  setupScript?: string;
}
