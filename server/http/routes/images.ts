// The layer explorer's routes: the images of a session's sandbox, one image's layers, and one
// layer's files (Authorization: Bearer <token>).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  imageLayersSchema,
  imageParams,
  layerFilesQuery,
  layerFilesSchema,
  layerParams,
  sandboxImagesSchema,
  sessionParams,
} from '../../../shared/contract.ts';
import { ExplorerBusyError } from '../../workspace/layers-thread.ts';
import {
  ImageTooComplexError,
  maxPathBytes,
  maxPathDepth,
  maxTotalPathBytes,
  type ExploredImage,
} from '../../workspace/layers.ts';
import { servicesOf } from '../auth.ts';
import type { AppDeps, SessionServices } from '../deps.ts';
import { HttpError } from '../errors.ts';
import { sandboxReady, sessionOf } from './sandbox-ready.ts';
import { errorReplies } from './schemas.ts';

const maxListedFiles = 5000;
/**
 * Most bytes of paths in one answer of a layer's files: 1 MB, some twenty times the 5000 files
 * of a real layer; paths of 4 KB each would otherwise make a 20 MB answer, serialised on the
 * event loop.
 */
const maxListedBytes = 1024 * 1024;

const french = new Intl.NumberFormat('fr-FR');

/** Why the explorer refused the image, in French, with what the student can do instead. */
export function tooComplexMessage(error: ImageTooComplexError, ref: string): string {
  const why = {
    depth: `un de ses chemins a ${french.format(error.value)} niveaux de dossiers, quand l’explorateur en lit ${maxPathDepth} au plus`,
    path: `un de ses chemins fait ${french.format(error.value)} octets, quand l’explorateur en lit ${french.format(maxPathBytes)} au plus`,
    paths: `ses chemins de fichiers font en tout plus de ${maxTotalPathBytes / 1024 ** 2} Mo`,
    slow: `son analyse a dépassé ${french.format(error.value / 1000)} s et a été interrompue`,
    memory: `son analyse a demandé plus de ${french.format(error.value)} Mo de mémoire et a été interrompue`,
  }[error.reason];
  return `Image trop complexe pour l’explorateur de couches : ${why}. Examinez-la plutôt dans le terminal, avec « docker history ${ref.slice(0, 100)} ».`;
}

const busyMessage =
  'Trop d’explorations d’images en attente pour votre session : attendez que les précédentes aboutissent, puis réessayez.';

/** The image's layers, or the French refusal of an image too complex or of too many waiting. */
async function exploreOrRefuse(
  images: SessionServices['images'],
  sessionId: string,
  ref: string,
): Promise<ExploredImage> {
  try {
    return await images.explore(sessionId, ref);
  } catch (error) {
    if (error instanceof ImageTooComplexError) throw new HttpError(422, tooComplexMessage(error, ref));
    if (error instanceof ExplorerBusyError) throw new HttpError(429, busyMessage);
    throw error;
  }
}

export const imageRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // Every route here reads the sandbox's images: the session proven, its sandbox ready first.
  app.addHook('preHandler', sandboxReady(deps));
  app.get(
    '/api/sessions/:id/images',
    {
      schema: {
        summary: 'The tagged images of the session’s sandbox',
        tags: ['workspace'],
        params: sessionParams,
        response: { 200: sandboxImagesSchema, ...errorReplies(400, 401, 403, 404, 410, 500, 503) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { images } = servicesOf(deps);
      return { images: await images.list(session.id) };
    },
  );

  app.get(
    '/api/sessions/:id/images/:ref/layers',
    {
      schema: {
        summary: 'An image’s layers: instruction, size, files added, changed and removed, wasted bytes',
        tags: ['workspace'],
        params: imageParams,
        response: { 200: imageLayersSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { images } = servicesOf(deps);
      const explored = await exploreOrRefuse(images, session.id, request.params.ref);
      return {
        image: request.params.ref,
        size: explored.size,
        wasted: explored.wasted,
        efficiency: explored.efficiency,
        topWasted: explored.topWasted,
        layers: explored.layers.map(({ files: _files, truncated: _truncated, ...layer }) => layer),
      };
    },
  );

  app.get(
    '/api/sessions/:id/images/:ref/layers/:index',
    {
      schema: {
        summary: 'One layer’s files (filter by path or by change)',
        tags: ['workspace'],
        params: layerParams,
        querystring: layerFilesQuery,
        response: { 200: layerFilesSchema, ...errorReplies(400, 401, 403, 404, 410, 413, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { images } = servicesOf(deps);
      const explored = await exploreOrRefuse(images, session.id, request.params.ref);
      const layer = explored.layers[request.params.index];
      if (!layer) {
        throw new HttpError(
          404,
          `Couche ${request.params.index} introuvable : l’image en a ${explored.layers.length}.`,
        );
      }
      const { filter, change } = request.query;
      const files: typeof layer.files = [];
      let bytes = 0;
      let truncated = layer.truncated;
      for (const file of layer.files) {
        if ((filter && !file.path.includes(filter)) || (change && file.change !== change)) continue;
        if (files.length >= maxListedFiles || bytes + file.path.length > maxListedBytes) {
          truncated = true;
          break;
        }
        files.push(file);
        bytes += file.path.length;
      }
      return { index: request.params.index, instruction: layer.instruction, files, truncated };
    },
  );
};
