// The students' class routes: joining with the class's code and a display name (a class-scoped
// learner key), taking a place back on another browser, and "my class". Wrong codes and bursts
// of joins from one address are slowed down (join-guard.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { classJoinedSchema, classMineSchema, joinClassBody, recoverClassBody } from '../../../shared/contract.ts';
import { ClassNotFoundError } from '../../session/classroom.ts';
import { addressKey, CodeGuesses, JoinPace, RetryLaterError, type JoinPaceOptions } from '../classroom/join-guard.ts';
import type { AppDeps } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { learnerOf } from './learners.ts';
import { perMinute } from './rate-limit.ts';
import { errorReplies } from './schemas.ts';

export interface StudentClassRouteOptions extends AppDeps {
  /** Joins (and recoveries) one client address may attempt per minute. */
  joinsPerMinute?: number;
  /** The pace of one address's joins (join-guard.ts's default). */
  joinPace?: JoinPaceOptions;
}

export const studentClassRoutes: FastifyPluginAsyncZod<StudentClassRouteOptions> = async (app, deps) => {
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
};
