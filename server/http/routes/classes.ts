// Classes: the instructor's routes (class-instructor.ts, behind one hook that requires the
// instructor) and the students' (class-student.ts: join, recover, mine), each in its own
// encapsulated plugin so that the instructor's hook never reaches a student's route.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instructorClassRoutes } from './class-instructor.ts';
import { studentClassRoutes, type StudentClassRouteOptions } from './class-student.ts';

export type ClassRouteOptions = StudentClassRouteOptions;

export const classRoutes: FastifyPluginAsyncZod<ClassRouteOptions> = async (app, deps) => {
  await app.register(instructorClassRoutes, deps);
  await app.register(studentClassRoutes, deps);
};
