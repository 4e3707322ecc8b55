// Classes: the instructor creates them, reads their dashboard and results, and removes, renames
// or locks out members; students join with the class's code and a display name, and get a
// class-scoped learner key. Wrong codes and bursts of joins from one address are slowed down.
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { renderSVG } from 'uqr';
import { z } from 'zod';
import {
  broadcastBody,
  classCreatedSchema,
  classEndingSchema,
  classMineSchema,
  classJoinedSchema,
  classListSchema,
  classLockedSchema,
  classParams,
  classSchema,
  createClassBody,
  dashboardSchema,
  endClassBody,
  gotoBody,
  joinClassBody,
  lockClassBody,
  memberParams,
  memberRenamedSchema,
  recoverClassBody,
  renameMemberBody,
} from '../../../shared/contract.ts';
import { ClassNotFoundError } from '../../session/classroom.ts';
import { requireInstructor } from '../auth.ts';
import { addressKey, CodeGuesses, JoinPace, RetryLaterError, type JoinPaceOptions } from '../classroom/join-guard.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { learnerOf } from './learners.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

/** A spreadsheet must not run a student's name as a formula (=, +, -, @ lead a formula). */
function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export interface ClassRouteOptions extends AppDeps {
  /** Joins (and recoveries) one client address may attempt per minute. */
  joinsPerMinute?: number;
  /** The pace of one address's joins (join-guard.ts's default). */
  joinPace?: JoinPaceOptions;
}

export const classRoutes: FastifyPluginAsyncZod<ClassRouteOptions> = async (app, deps) => {
  const { classroom } = deps;
  const guesses = new CodeGuesses();
  const joinPace = new JoinPace(deps.joinPace);
  const recoverPace = new JoinPace(deps.joinPace);

  /**
   * Runs a join or a recovery for the request's address: it waits while wrong codes earned a
   * wait, then its turn in the address's pace; a wrong code counts against the address.
   */
  const guarded = async <T>(ip: string, reply: FastifyReply, pace: JoinPace, run: (address: string) => T) => {
    const address = addressKey(ip);
    try {
      guesses.check(address);
      const waitMs = pace.reserve(address);
      if (waitMs > 0) await sleep(waitMs);
    } catch (error) {
      if (error instanceof RetryLaterError) void reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
    try {
      return run(address);
    } catch (error) {
      if (error instanceof ClassNotFoundError) guesses.failed(address);
      throw error;
    }
  };
  const instructorOnly = {
    preHandler: async (request: Parameters<typeof requireInstructor>[1]) => requireInstructor(deps, request),
  };

  app.post(
    '/api/classes',
    {
      ...instructorOnly,
      schema: {
        summary: 'Creates a class (instructor): its id and join code',
        tags: ['classes'],
        security: [{ bearer: [] }],
        body: createClassBody,
        response: { 201: classCreatedSchema, ...errorReplies(400, 401, 403, 413, 415) },
      },
    },
    (request, reply) => {
      const klass = classroom.create(request.body);
      void reply.code(201).send({ id: klass.id, code: klass.code });
    },
  );

  app.get(
    '/api/classes',
    {
      ...instructorOnly,
      schema: {
        summary: 'The classes, newest first (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        response: { 200: classListSchema, ...errorReplies(401, 403) },
      },
    },
    () =>
      classroom.list().map((klass) => ({
        ...classroom.info(klass),
        seats: klass.seats,
        memberCount: classroom.memberCount(klass.id),
      })),
  );

  app.get(
    '/api/classes/mine',
    {
      schema: {
        summary: 'The class of the learner whose key the request carries (X-Learner-Key)',
        tags: ['classes'],
        response: { 200: classMineSchema, ...errorReplies(401, 403, 404) },
      },
    },
    (request) => {
      const learner = learnerOf(deps.progress, request);
      if (!learner) throw new HttpError(401, 'Clé d’apprenant manquante (en-tête X-Learner-Key).');
      const found = classroom.membership(learner);
      if (!found || found.klass.endedAt) throw new HttpError(404, 'Vous ne suivez aucun cours en ce moment.');
      return { ...classroom.info(found.klass), name: found.member.name };
    },
  );

  app.post(
    '/api/classes/join',
    {
      config: perMinute(deps.joinsPerMinute, 'tentatives pour rejoindre un cours'),
      schema: {
        summary: 'Joins a class with its code and a display name: a class-scoped learner key',
        tags: ['classes'],
        body: joinClassBody,
        response: { 201: classJoinedSchema, ...errorReplies(400, 403, 404, 409, 410, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { code, name } = request.body;
      const joined = await guarded(request.ip, reply, joinPace, (address) => classroom.join(code, name, address));
      return reply.code(201).send({
        learner: joined.learner,
        key: joined.key,
        name,
        class: classroom.info(joined.klass),
        recoveryCode: joined.recoveryCode,
      });
    },
  );

  app.post(
    '/api/classes/recover',
    {
      config: perMinute(deps.joinsPerMinute, 'tentatives pour rejoindre un cours'),
      schema: {
        summary: 'A class member on another browser: a new key from the class code and their recovery code',
        tags: ['classes'],
        body: recoverClassBody,
        response: { 200: classJoinedSchema, ...errorReplies(400, 403, 404, 410, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { code, recoveryCode } = request.body;
      const found = await guarded(request.ip, reply, recoverPace, () => classroom.recover(code, recoveryCode));
      return {
        learner: found.member.learner,
        key: found.key,
        name: found.member.name,
        class: classroom.info(found.klass),
      };
    },
  );

  app.get(
    '/api/classes/:id',
    {
      ...instructorOnly,
      schema: {
        summary: 'The class with its members (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        response: { 200: classSchema, ...errorReplies(400, 401, 403, 404) },
      },
    },
    (request) => {
      const klass = classroom.get(request.params.id);
      return {
        ...classroom.info(klass),
        seats: klass.seats,
        createdAt: klass.createdAt,
        members: classroom.members(klass.id).map((m) => ({ learner: m.learner, name: m.name, joinedAt: m.joinedAt })),
      };
    },
  );

  app.get(
    '/api/classes/:id/dashboard',
    {
      ...instructorOnly,
      schema: {
        summary: 'Each student’s TP, step, passed steps, last check; the common failures (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        response: { 200: dashboardSchema, ...errorReplies(400, 401, 403, 404) },
      },
    },
    (request) => classroom.dashboard(request.params.id),
  );

  app.get(
    '/api/classes/:id/results.csv',
    {
      ...instructorOnly,
      schema: {
        summary: 'The results as CSV: one row per student and step, with times (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV, UTF-8 with a BOM'), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const klass = classroom.get(request.params.id);
      const csv = stringify(classroom.results(klass.id).map((row) => row.map(spreadsheetSafe)));
      const file = `resultats-${klass.code}.csv`;
      // A BOM so that spreadsheets read the accents as UTF-8.
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('cache-control', 'no-store')
        .send('\ufeff' + csv);
    },
  );

  app.get(
    '/api/classes/:id/qr.svg',
    {
      ...instructorOnly,
      schema: {
        summary: 'The join link of the class as a QR code (SVG, instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        produces: ['image/svg+xml'],
        response: { 200: z.string().describe('SVG image'), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const klass = classroom.get(request.params.id);
      const link = `${request.protocol}://${request.host}/rejoindre/?code=${klass.code}`;
      return reply
        .type('image/svg+xml')
        .header('cache-control', 'no-store')
        .send(renderSVG(link, { border: 2, pixelSize: 8, whiteColor: '#ffffff', blackColor: '#000000' }));
    },
  );

  app.post(
    '/api/classes/:id/broadcast',
    {
      ...instructorOnly,
      schema: {
        summary: 'Shows a message on every student’s page (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        body: broadcastBody,
        response: { 204: z.null().describe('Sent'), ...errorReplies(400, 401, 403, 404, 410) },
      },
    },
    async (request, reply) => {
      classroom.message(request.params.id, request.body.text);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/classes/:id/goto',
    {
      ...instructorOnly,
      schema: {
        summary: 'Sends the class to a TP step: each student’s TP page opens it (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        body: gotoBody,
        response: { 204: z.null().describe('Sent'), ...errorReplies(400, 401, 403, 404, 410) },
      },
    },
    async (request, reply) => {
      classroom.goto(request.params.id, request.body.lab, request.body.step);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/classes/:id/end',
    {
      ...instructorOnly,
      schema: {
        summary: '« Fin du cours »: the class ends after a countdown, its sandboxes are removed (instructor)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        body: endClassBody,
        response: { 202: classEndingSchema, ...errorReplies(400, 401, 403, 404, 410) },
      },
    },
    (request, reply) => {
      const endsAt = classroom.end(request.params.id, request.body.seconds);
      void reply.code(202).send({ endsAt: endsAt.toISOString() });
    },
  );
  app.delete(
    '/api/classes/:id/members/:learner',
    {
      ...instructorOnly,
      schema: {
        summary:
          'Removes a member (instructor): their key is revoked, their pages closed, their sandboxes and results removed',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: memberParams,
        response: { 204: z.null().describe('Removed'), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await classroom.removeMember(request.params.id, request.params.learner);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/classes/:id/members/:learner',
    {
      ...instructorOnly,
      schema: {
        summary: 'Renames a member (instructor); a name too like a classmate’s is refused (409)',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: memberParams,
        body: renameMemberBody,
        response: { 200: memberRenamedSchema, ...errorReplies(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    (request) => {
      const member = classroom.renameMember(request.params.id, request.params.learner, request.body.name);
      return { learner: member.learner, name: member.name, joinedAt: member.joinedAt };
    },
  );

  app.post(
    '/api/classes/:id/lock',
    {
      ...instructorOnly,
      schema: {
        summary: 'Closes the class to new students, or opens it again (instructor); members stay',
        tags: ['classes'],
        security: [{ bearer: [] }],
        params: classParams,
        body: lockClassBody,
        response: { 200: classLockedSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 415) },
      },
    },
    (request) => {
      classroom.setLocked(request.params.id, request.body.locked);
      return { locked: request.body.locked };
    },
  );
};
