// One place where typed errors of the lower layers, and Fastify's own, become the contract's
// statuses and French messages; used by the REST error handler and the terminal socket. Each
// family of errors (workspace, class, session, sandbox, Fastify) has its own function.
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { limits } from '../../shared/limits.ts';
import { LabSetupError } from '../lab/prepare.ts';
import { FirewallError } from '../sandbox/firewall.ts';
import {
  SandboxBusyError,
  SandboxGoneError,
  SandboxStartError,
  ClusterError,
  IsolationError,
  NodeUnreachableError,
  SandboxTerminalError,
  SubnetPoolExhaustedError,
} from '../sandbox/driver.ts';
import {
  AnswerRequiredError,
  ChallengeHelpError,
  HintUnavailableError,
  LabNotPreparedError,
  SessionLimitError,
  StepBusyError,
  UnknownLabError,
  UnknownStepError,
} from '../session/errors.ts';
import type { EndReason } from '../session/manager.ts';
import { FileRefusedError, maxEditBytes, type FileRefusal } from '../workspace/files.ts';
import { ImageNotFoundError, ImageReadError, ImageTooBigError, maxImageBytes } from '../workspace/images.ts';
import { ImageTooManyFilesError, maxImageEntries } from '../workspace/layers.ts';
import { ClassEndedError, ClassJoinError, ClassNotFoundError, ClassRuleError } from '../session/classroom.ts';

/** An error the HTTP layer raises itself, already worded for the user. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export const engineMissing =
  'Aucun moteur Docker ne répond : les bacs à sable sont indisponibles. Installez Docker (apt-get install docker.io), démarrez-le (dockerd), puis relancez le serveur.';

/** What the student reads when their session ends, by reason. */
export const endMessages: Record<EndReason, string> = {
  deleted: 'Session terminée.',
  expired:
    'Le temps de cette session est écoulé : le bac à sable a été supprimé. Rechargez la page pour en ouvrir un nouveau.',
  idle: 'Session fermée après une longue inactivité. Rechargez la page pour ouvrir un nouveau bac à sable.',
  shutdown: 'Le serveur redémarre : rechargez la page dans un instant.',
  lost: "Le bac à sable s'est arrêté. Rechargez la page pour en ouvrir un nouveau.",
  'class-ended': 'Le cours est terminé : votre bac à sable a été supprimé. Merci et à bientôt !',
  replaced:
    'Votre place dans ce cours a été reprise sur un autre navigateur : ce bac à sable a été fermé. Continuez sur l’autre navigateur.',
};

const fieldNames: Record<string, string> = {
  lab: 'lab (le TP)',
  learner: 'learner (identifiant d’apprenant)',
  answer: 'answer (la réponse)',
  id: 'id (la session ou le TP)',
  stepId: 'stepId (l’étape)',
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

/** "Champ « lab (le TP) » invalide : …", for the first issue of a failed validation. */
function describeValidation(issues: ValidationIssue[], context: string | undefined): string {
  const first = issues[0];
  const field = (first?.instancePath ?? '').split('/').filter(Boolean).join('.');
  // Zod words its issues in French (z.config(z.locales.fr()) in app.ts); the schemas' own are French too.
  const reason = (first?.message ?? 'valeur invalide').slice(0, 200);
  const where = context === 'params' ? 'Adresse invalide' : 'Requête invalide';
  if (!field) return `${where} : un objet JSON est attendu (${reason}).`;
  return `${where} : champ « ${fieldNames[field] ?? field.slice(0, 40)} » : ${reason.replace(/\.?$/, '.')}`;
}

/** A status and the French message that goes with it. */
export interface UserError {
  status: number;
  message: string;
}

/** The workspace's refusals: a file path or content, an image of the layer explorer. */
function workspaceError(error: unknown): UserError | undefined {
  if (error instanceof FileRefusedError) {
    const where = `« /${error.path.replace(/^\/+/, '').slice(0, 120)} »`;
    const answers: Record<FileRefusal, { status: number; message: string }> = {
      outside: {
        status: 400,
        message: `Chemin refusé ${where} : seuls /root et /tmp du bac à sable sont accessibles.`,
      },
      invalid: { status: 400, message: `Chemin invalide ${where}.` },
      missing: { status: 404, message: `Fichier introuvable dans le bac à sable : ${where}.` },
      folder: { status: 400, message: `${where} est un dossier : choisissez un fichier.` },
      special: {
        status: 400,
        message: `${where} n’est pas un fichier ordinaire (un tube nommé, un périphérique…) : il ne s’ouvre ni ne se télécharge. Copiez son contenu dans un fichier, puis ouvrez celui-ci.`,
      },
      'too-big': {
        status: 413,
        message: `Fichier trop gros pour l’éditeur (${maxEditBytes / 1024 ** 2} Mo au plus) : ${where}. Téléchargez-le plutôt.`,
      },
      binary: {
        status: 415,
        message: `${where} n’est pas un fichier texte : l’éditeur ne l’ouvre pas. Téléchargez-le plutôt.`,
      },
      changed: {
        status: 412,
        message: `Le fichier ${where} a changé dans le terminal depuis que vous l’avez ouvert : rechargez-le, ou écrasez-le.`,
      },
      exists: { status: 412, message: `${where} existe déjà : ouvrez-le plutôt que de le créer.` },
      full: {
        status: 507,
        message: `Plus de place dans /root du bac à sable : supprimez des fichiers, puis réessayez.`,
      },
    };
    return answers[error.reason];
  }
  if (error instanceof ImageNotFoundError) {
    return {
      status: 404,
      message: `Image « ${error.ref.slice(0, 100)} » introuvable dans votre bac à sable : vérifiez son nom avec « docker image ls ».`,
    };
  }
  if (error instanceof ImageTooBigError) {
    return {
      status: 413,
      message: `Image trop grosse pour l’explorateur de couches (${Math.round(error.size / 1024 ** 2)} Mo ; ${maxImageBytes / 1024 ** 3} Go au plus).`,
    };
  }
  if (error instanceof ImageTooManyFilesError) {
    return {
      status: 413,
      message: `Image trop chargée pour l’explorateur de couches (plus de ${maxImageEntries.toLocaleString('fr-FR')} fichiers).`,
    };
  }
  if (error instanceof ImageReadError) {
    return { status: 500, message: 'L’image n’a pas pu être lue (docker save a échoué) : réessayez dans un instant.' };
  }
  return undefined;
}

/** The classroom's refusals: a wrong code, an ended class, a full one, a rule of the class. */
function classError(error: unknown): UserError | undefined {
  if (error instanceof ClassNotFoundError) {
    return {
      status: 404,
      message: 'Cours introuvable : vérifiez le code (il ressemble à DKR-7Q4P-M3XA) ou demandez-le au formateur.',
    };
  }
  if (error instanceof ClassEndedError) {
    return { status: 410, message: 'Ce cours est terminé : il ne reçoit plus d’élèves ni de bacs à sable.' };
  }
  if (error instanceof ClassJoinError) {
    const answers: Record<ClassJoinError['reason'], { status: number; message: string }> = {
      full: {
        status: 409,
        message: 'Ce cours est complet : toutes ses places sont prises. Demandez au formateur d’en ajouter.',
      },
      'name-taken': {
        status: 409,
        message:
          'Ce nom ressemble trop à celui d’un autre élève de ce cours : choisissez-en un autre (ajoutez par exemple l’initiale de votre nom de famille).',
      },
      locked: {
        status: 403,
        message: 'Le formateur a fermé ce cours aux nouveaux élèves : demandez-lui de le rouvrir.',
      },
      address: {
        status: 429,
        message: `Trop d’élèves inscrits depuis votre adresse (${error.limit ?? '?'} au plus, tous cours confondus) : demandez au formateur.`,
      },
    };
    return answers[error.reason];
  }
  if (error instanceof ClassRuleError) {
    const status =
      error.reason === 'lab' ? 403 : error.reason === 'sessions' ? 409 : error.reason === 'address' ? 429 : 400;
    return { status, message: error.message };
  }
  return undefined;
}

/** The session layer's refusals: an unknown TP or step, the bounds on sessions, help and checks. */
function sessionError(error: unknown): UserError | undefined {
  if (error instanceof UnknownLabError) {
    return {
      status: 404,
      message: `TP « ${error.labId.slice(0, 64)} » inconnu. TP disponibles : ${error.available.join(', ')}.`,
    };
  }
  if (error instanceof UnknownStepError) {
    return { status: 404, message: `Étape « ${error.stepId.slice(0, 64)} » inconnue pour ce TP.` };
  }
  if (error instanceof AnswerRequiredError) {
    return { status: 400, message: 'Cette étape attend une réponse : envoyez {"answer": "..."}.' };
  }
  if (error instanceof LabNotPreparedError) {
    return {
      status: 409,
      message: `Le TP n'a pas pu être préparé : ${error.failure} Cliquez sur « Réinitialiser ».`,
    };
  }
  if (error instanceof SessionLimitError && error.reason === 'client') {
    return {
      status: 429,
      message: `Trop de bacs à sable ouverts depuis votre adresse (${error.maxSessions} au plus à la fois) : fermez un onglet de TP que vous n'utilisez plus, ou cliquez sur « Réinitialiser » dans celui que vous gardez.`,
    };
  }
  if (error instanceof SessionLimitError) {
    return {
      status: 503,
      message:
        error.reason === 'stopping'
          ? 'Le serveur s’arrête : réessayez dans un instant.'
          : `Toutes les places sont prises (${error.maxSessions} ${error.maxSessions > 1 ? 'bacs à sable' : 'bac à sable'} en cours). Réessayez dans quelques minutes, ou fermez un onglet de TP que vous n'utilisez plus.`,
    };
  }
  if (error instanceof ChallengeHelpError) {
    return {
      status: 403,
      message: 'Cette étape est un défi : ni indice ni solution, seule la vérification vous guide.',
    };
  }
  if (error instanceof HintUnavailableError) {
    return error.reason === 'none-left'
      ? { status: 404, message: `Cette étape n'a que ${error.count} indice${error.count > 1 ? 's' : ''}.` }
      : { status: 409, message: 'Les indices viennent un à la fois : demandez d’abord le précédent.' };
  }
  if (error instanceof StepBusyError) {
    return {
      status: 429,
      message: 'Une vérification est déjà en cours dans votre bac à sable : attendez sa réponse avant de relancer.',
    };
  }
  return undefined;
}

/** The sandbox's failures: busy, gone, not started, its terminal, its isolation and firewall. */
function sandboxError(error: unknown): UserError | undefined {
  if (error instanceof SandboxBusyError) {
    return {
      status: 429,
      message:
        'Trop d’opérations en cours dans votre bac à sable (fichiers, téléchargements, vérifications) : attendez que les précédentes se terminent, puis réessayez.',
    };
  }
  if (error instanceof SandboxGoneError) {
    return {
      status: 410,
      message: "Votre bac à sable n'existe plus (arrêté ou supprimé). Rechargez la page pour en ouvrir un neuf.",
    };
  }
  if (error instanceof LabSetupError) {
    return { status: 500, message: `${error.message} Réessayez, ou cliquez sur « Réinitialiser ».` };
  }
  if (error instanceof SandboxStartError || error instanceof SubnetPoolExhaustedError) {
    return {
      status: error instanceof SubnetPoolExhaustedError ? 503 : 500,
      message:
        "Le bac à sable n'a pas pu démarrer (moteur Docker surchargé ou indisponible). Réessayez dans un instant.",
    };
  }
  if (error instanceof SandboxTerminalError) {
    return {
      status: 502,
      message:
        error.reason === 'unreachable'
          ? "Le terminal du bac à sable est injoignable depuis le serveur. Si le moteur Docker est sur une autre machine, l'enseignant doit régler SANDBOX_TERMINAL=exec."
          : error.reason === 'silent'
            ? 'Le terminal du bac à sable ne répond pas : réessayez, ou cliquez sur « Réinitialiser ».'
            : "Le bac à sable n'a pas d'adresse réseau : rechargez la page.",
    };
  }
  if (error instanceof NodeUnreachableError) {
    return {
      status: 503,
      message:
        'La machine du cluster qui porte votre bac à sable ne répond plus. Réessayez dans un instant ; si elle est perdue, votre session sera fermée et vous pourrez en ouvrir une neuve.',
    };
  }
  if (error instanceof ClusterError) {
    const messages = {
      'no-nodes':
        'Bacs à sable désactivés : l’essaim Docker n’a aucun nœud prêt et actif étiqueté pour les bacs à sable. Étiquetez-en (docker node update --label-add cours-docker.sandboxes=true <nœud>), puis relancez le serveur.',
      'nodes-differ': `Bacs à sable désactivés : les nœuds de l’essaim étiquetés pour les bacs à sable ne sont pas réglés de la même façon (userns-remap, cgroups : ${error.detail}). Réglez-les tous pareil, puis relancez le serveur.`,
      'remap-forced':
        'Bacs à sable désactivés : SANDBOX_ISOLATION=none demande des bacs à sable sans remappage des utilisateurs, or les nœuds de l’essaim remappent (userns-remap) et Swarm ne permet pas d’en sortir service par service. Laissez SANDBOX_ISOLATION=auto (ou userns), ou retirez userns-remap des nœuds avant qu’ils rejoignent l’essaim, puis relancez le serveur.',
      'not-prepared': `Bacs à sable désactivés : un nœud de l’essaim n’a pas pu recevoir les images ou le miroir du registre du cours (${error.detail}). Vérifiez que les images sont construites sur la machine du serveur (npm run images) et que le nœud répond, puis relancez le serveur.`,
    };
    return { status: 503, message: messages[error.reason] };
  }
  if (error instanceof IsolationError) {
    return {
      status: 503,
      message:
        'Bacs à sable désactivés : SANDBOX_ISOLATION=userns demande un moteur Docker qui remappe les utilisateurs, et celui-ci ne le fait pas. Ajoutez "userns-remap": "default" à /etc/docker/daemon.json et redémarrez dockerd (voir la section Sécurité du README), ou réglez SANDBOX_ISOLATION=none en connaissance de cause, puis relancez.',
    };
  }
  if (error instanceof FirewallError) {
    return {
      status: 503,
      message:
        error.reason === 'remote-engine'
          ? 'Bacs à sable désactivés : DOCKER_HOST désigne un moteur Docker distant, que les règles iptables de cette machine ne protègent pas. Isolez ses bacs à sable sur cette machine-là puis réglez SANDBOX_FIREWALL=external (ou SANDBOX_FIREWALL=false en connaissance de cause), et relancez.'
          : `Bacs à sable désactivés : les règles d'isolation réseau (iptables, ip6tables) n'ont pas pu être posées (${error.message.replace(/^install-failed: /, '')}). Lancez le serveur en root sur une machine qui a iptables, ou réglez SANDBOX_FIREWALL=false en connaissance de cause, puis relancez.`,
    };
  }
  return undefined;
}

/** Fastify's own errors (validation, bodies, addresses), and the last resort: a 500. */
function fastifyError(error: unknown): UserError {
  const fastify = error as Partial<FastifyError> & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return {
      status: 400,
      message: describeValidation(error.validation, fastify.validationContext),
    };
  }
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `Requête trop grosse (maximum ${limits.maxBodyBytes} octets).` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'Corps de requête attendu en JSON (Content-Type: application/json).' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, message: 'Corps de requête illisible : JSON invalide.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'Longueur de requête incohérente (Content-Length).' };
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return { status: 400, message: 'Adresse de requête invalide : vérifiez le lien.' };
  }
  const status = fastify.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: 'Requête invalide : vérifiez l’adresse et le corps envoyés.' };
  }
  return { status: 500, message: 'Erreur interne du serveur : réessayez dans un instant.' };
}

/** The families in the order they are tried (the error classes are distinct, the order kept). */
const families: ((error: unknown) => UserError | undefined)[] = [
  workspaceError,
  classError,
  sessionError,
  sandboxError,
];

/** The status and French message for any error a request can meet. */
export function toUserError(error: unknown): UserError {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  for (const family of families) {
    const answer = family(error);
    if (answer) return answer;
  }
  return fastifyError(error);
}
