// The instructor's class routes, in one encapsulated plugin whose preHandler hook requires the
// instructor (token or cookie): creating and listing classes, a class's dashboard, results and
// QR code, what it sends to the students' pages, and its members (removed, renamed, locked out).
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { renderSVG } from 'uqr';
import { z } from 'zod';
import {
  broadcastBody,
  classCreatedSchema,
  classEndingSchema,
  classListSchema,
  classLockedSchema,
  classParams,
  classSchema,
  createClassBody,
  dashboardSchema,
  endClassBody,
  gotoBody,
  lockClassBody,
  memberParams,
  memberRenamedSchema,
  renameMemberBody,
} from '../../../shared/contract.ts';
import type { Classroom } from '../../session/classroom.ts';
import { requireInstructor } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { errorReplies } from './schemas.ts';

type App = Parameters<FastifyPluginAsyncZod>[0];

/** The OpenAPI fields every instructor route shares: its tag, and the token it takes. */
function instructorSchema<Schema extends { summary: string }>(schema: Schema) {
  return { tags: ['classes'], security: [{ bearer: [] }], ...schema };
}

/** A spreadsheet must not run a student's name as a formula (=, +, -, @ lead a formula). */
function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Creating a class, the list of classes, one class with its members. */
function classBookRoutes(app: App, classroom: Classroom): void {
  app.post(
    '/api/classes',
    {
      schema: instructorSchema({
        summary: 'Creates a class (instructor): its id and join code',
        body: createClassBody,
        response: { 201: classCreatedSchema, ...errorReplies(400, 401, 403, 413, 415) },
      }),
    },
    (request, reply) => {
      const klass = classroom.create(request.body);
      void reply.code(201).send({ id: klass.id, code: klass.code });
    },
  );

  app.get(
    '/api/classes',
    {
      schema: instructorSchema({
        summary: 'The classes, newest first (instructor)',
        response: { 200: classListSchema, ...errorReplies(401, 403) },
      }),
    },
    () =>
      classroom.list().map((klass) => ({
        ...classroom.info(klass),
        seats: klass.seats,
        memberCount: classroom.memberCount(klass.id),
      })),
  );

  app.get(
    '/api/classes/:id',
    {
      schema: instructorSchema({
        summary: 'The class with its members (instructor)',
        params: classParams,
        response: { 200: classSchema, ...errorReplies(400, 401, 403, 404) },
      }),
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
}

/** What the instructor reads of a class: its dashboard, its results, its join link's QR code. */
function classReportRoutes(app: App, classroom: Classroom): void {
  app.get(
    '/api/classes/:id/dashboard',
    {
      schema: instructorSchema({
        summary: 'Each student’s TP, step, passed steps, last check; the common failures (instructor)',
        params: classParams,
        response: { 200: dashboardSchema, ...errorReplies(400, 401, 403, 404) },
      }),
    },
    (request) => classroom.dashboard(request.params.id),
  );

  app.get(
    '/api/classes/:id/results.csv',
    {
      schema: instructorSchema({
        summary: 'The results as CSV: one row per student and step, with times (instructor)',
        params: classParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV, UTF-8 with a BOM'), ...errorReplies(400, 401, 403, 404) },
      }),
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
      schema: instructorSchema({
        summary: 'The join link of the class as a QR code (SVG, instructor)',
        params: classParams,
        produces: ['image/svg+xml'],
        response: { 200: z.string().describe('SVG image'), ...errorReplies(400, 401, 403, 404) },
      }),
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
}

/** What the instructor sends to the students' pages: a message, a step to open, the end. */
function classTeachingRoutes(app: App, classroom: Classroom): void {
  app.post(
    '/api/classes/:id/broadcast',
    {
      schema: instructorSchema({
        summary: 'Shows a message on every student’s page (instructor)',
        params: classParams,
        body: broadcastBody,
        response: { 204: z.null().describe('Sent'), ...errorReplies(400, 401, 403, 404, 410) },
      }),
    },
    async (request, reply) => {
      classroom.message(request.params.id, request.body.text);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/classes/:id/goto',
    {
      schema: instructorSchema({
        summary: 'Sends the class to a TP step: each student’s TP page opens it (instructor)',
        params: classParams,
        body: gotoBody,
        response: { 204: z.null().describe('Sent'), ...errorReplies(400, 401, 403, 404, 410) },
      }),
    },
    async (request, reply) => {
      classroom.goto(request.params.id, request.body.lab, request.body.step);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/classes/:id/end',
    {
      schema: instructorSchema({
        summary: '« Fin du cours »: the class ends after a countdown, its sandboxes are removed (instructor)',
        params: classParams,
        body: endClassBody,
        response: { 202: classEndingSchema, ...errorReplies(400, 401, 403, 404, 410) },
      }),
    },
    (request, reply) => {
      const endsAt = classroom.end(request.params.id, request.body.seconds);
      void reply.code(202).send({ endsAt: endsAt.toISOString() });
    },
  );
}

/** The instructor's hand on the members: removed, renamed, or no new ones let in. */
function classMemberRoutes(app: App, classroom: Classroom): void {
  app.delete(
    '/api/classes/:id/members/:learner',
    {
      schema: instructorSchema({
        summary:
          'Removes a member (instructor): their key is revoked, their pages closed, their sandboxes and results removed',
        params: memberParams,
        response: { 204: z.null().describe('Removed'), ...errorReplies(400, 401, 403, 404) },
      }),
    },
    async (request, reply) => {
      await classroom.removeMember(request.params.id, request.params.learner);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/classes/:id/members/:learner',
    {
      schema: instructorSchema({
        summary: 'Renames a member (instructor); a name too like a classmate’s is refused (409)',
        params: memberParams,
        body: renameMemberBody,
        response: { 200: memberRenamedSchema, ...errorReplies(400, 401, 403, 404, 409, 413, 415) },
      }),
    },
    (request) => {
      const member = classroom.renameMember(request.params.id, request.params.learner, request.body.name);
      return { learner: member.learner, name: member.name, joinedAt: member.joinedAt };
    },
  );

  app.post(
    '/api/classes/:id/lock',
    {
      schema: instructorSchema({
        summary: 'Closes the class to new students, or opens it again (instructor); members stay',
        params: classParams,
        body: lockClassBody,
        response: { 200: classLockedSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 415) },
      }),
    },
    (request) => {
      classroom.setLocked(request.params.id, request.body.locked);
      return { locked: request.body.locked };
    },
  );
}

/**
 * Every route here is the instructor's: one preHandler hook (after the request's validation, as
 * a route's own would run) refuses anyone else, 401, or 403 for a student's key.
 */
export const instructorClassRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.addHook('preHandler', async (request) => requireInstructor(deps, request));
  classBookRoutes(app, deps.classroom);
  classReportRoutes(app, deps.classroom);
  classTeachingRoutes(app, deps.classroom);
  classMemberRoutes(app, deps.classroom);
};
