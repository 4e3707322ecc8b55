// The `dockerfile-lint` check: lints a Dockerfile of the student's sandbox and passes when no
// error or warning is left (info findings are advice) and, with `serves`, when the image still
// builds and serves a page containing that text. Options: `path`, the Dockerfile; `serves`;
// `port` (80).
// The lint runs in the linter's thread, never on the event loop (dockerfile-lint-thread.ts).
import { lintDockerfileOffThread, maxDockerfileBytes } from './dockerfile-lint-thread.ts';
import type { LintFinding } from './dockerfile-lint.ts';
import { lastLine, refusedStatus } from '../sandbox/checker.ts';
import type { TsCheck } from './types.ts';

/** How many findings the message lists; the rest are counted. */
const maxListed = 5;

function describe(finding: LintFinding): string {
  return `ligne ${finding.line} : ${finding.rule} — ${finding.message}`;
}

/** The image and container the check builds and runs, beside the student's own. */
const verifyTag = 'cours-docker-verif:bonnes-pratiques';
const verifyName = 'cours-docker-verif';

/**
 * Builds the Dockerfile's folder and runs the image: its page must still contain `serves`
 * (a clean Dockerfile that no longer builds or serves the site is not a correction). The
 * image stays, so the next check reuses its layers. Positional parameters keep the student's
 * text out of the script.
 */
/**
 * Seconds the verification build may take: a build that installs packages from Debian's mirror
 * takes 60-90 s on a quiet 2-core machine, more while a class builds at once; the step's own
 * timeout leaves room for it and for the container's answer.
 */
export const verifyBuildSeconds = 170;

const buildAndServeScript = `
dir=$1 serves=$2 port=$3
# A copy in the checker: the CLI cannot build from its view of the sandbox (/proc/1/root).
[ "$(du -sk -- "$SANDBOX_ROOT$dir" 2>/dev/null | cut -f 1)" -le 32768 ] 2>/dev/null || exit 14
context=$(mktemp -d) || exit 9
trap 'rm -rf "$context"' EXIT
tar -C "$SANDBOX_ROOT$dir" -cf - . | tar -C "$context" -xf - && cd -- "$context" || exit 9
docker rm -f ${verifyName} >/dev/null 2>&1
out=$(timeout ${verifyBuildSeconds} docker build -q -t ${verifyTag} . 2>&1); rc=$?
if [ "$rc" = 124 ]; then exit 13; fi
if [ "$rc" != 0 ]; then printf '%s\n' "$out" | tail -n 4; exit 10; fi
if ! docker run -d --name ${verifyName} ${verifyTag} >/dev/null 2>&1; then exit 11; fi
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' ${verifyName})
page=
for _ in $(seq 1 40); do
  page=$(curl -fsS -m 2 "http://$ip:$port/" 2>/dev/null) && break
  [ "$(docker inspect -f '{{.State.Running}}' ${verifyName})" = true ] || break
  sleep 0.5
done
logs=$(docker logs ${verifyName} 2>&1 | tail -n 4)
docker rm -f ${verifyName} >/dev/null 2>&1
case "$page" in *"$serves"*) exit 0 ;; esac
printf '%s\n' "$logs"
exit 12
`;

async function buildAndServe(
  context: Parameters<TsCheck>[0],
  dir: string,
  serves: string,
  port: string,
): Promise<{ passed: false; message: string } | undefined> {
  const result = await context.exec(['bash', '-c', buildAndServeScript, 'bash', dir, serves, port]);
  const tail = result.stdout.trim().split('\n').slice(-4).join(' ').slice(0, 400);
  const detail = tail ? ` (${tail})` : '';
  switch (result.exitCode) {
    case 0:
      return undefined;
    case refusedStatus:
      return { passed: false, message: lastLine(result.stdout) };
    case 10:
      return {
        passed: false,
        message: `Plus aucune erreur de style, mais le Dockerfile ne se construit plus${detail} : corrigez-le, une image qui ne se construit pas ne sert à rien. Essayez docker build -t produpot:1.0 . dans ${dir}.`,
      };
    case 13:
      return {
        passed: false,
        message: `La construction de vérification a pris plus de ${verifyBuildSeconds} s (la machine ou le miroir de paquets est lent en ce moment) : relancez la vérification ; si cela se répète, prévenez votre formateur.`,
      };
    case 11:
      return { passed: false, message: "L'image se construit, mais son conteneur ne démarre pas : vérifiez CMD." };
    case 14:
      return {
        passed: false,
        message: `Le dossier ${dir} est trop gros pour être vérifié (plus de 32 Mo) : retirez-en les gros fichiers, puis vérifiez de nouveau.`,
      };
    case 12:
      return {
        passed: false,
        message: `L'image se construit, mais son conteneur ne sert plus le site (« ${serves} » introuvable sur le port ${port})${detail} : vérifiez le COPY du site et la commande CMD, qui doit garder Apache au premier plan.`,
      };
    default:
      return {
        passed: false,
        message: `La construction de vérification n'a pas pu se faire (code ${result.exitCode}) : réessayez.`,
      };
  }
}

export const dockerfileLintCheck: TsCheck = async (context, options) => {
  const path = options.path;
  if (!path) throw new Error('dockerfile-lint : option « path » manquante dans la définition de l’étape.');
  // One byte past the bound: a bigger file arrives cut, still over the bound, and is refused
  // rather than linted cut short; the sandbox never sends more than that.
  const text = await context.readFile(path, maxDockerfileBytes + 1);
  if (text === null) {
    return {
      passed: false,
      message: `Le fichier ${path} est introuvable : il doit exister pour être vérifié (relancez l'étape s'il a été supprimé).`,
    };
  }

  const result = await lintDockerfileOffThread(text);
  if (!result.ok) {
    if (result.reason === 'timeout' || result.reason === 'crashed') {
      context.log?.warn('dockerfile lint failed', { path, reason: result.reason, detail: result.detail });
    }
    return { passed: false, message: result.message };
  }
  const findings = result.findings;
  const blocking = findings.filter((finding) => finding.severity !== 'info');
  const infos = findings.length - blocking.length;
  if (blocking.length > 0) {
    const listed = blocking.slice(0, maxListed).map(describe);
    const more = blocking.length - listed.length;
    const count = blocking.length === 1 ? 'Il reste 1 problème' : `Il reste ${blocking.length} problèmes`;
    return {
      passed: false,
      message: [`${count} dans ${path} :`, ...listed, ...(more > 0 ? [`… et ${more} de plus.`] : [])].join('\n'),
    };
  }
  if (options.serves) {
    const served = await buildAndServe(
      context,
      path.replace(/\/[^/]*$/, '') || '/',
      options.serves,
      options.port ?? '80',
    );
    if (served) return served;
  }
  const advice =
    infos === 0
      ? ''
      : infos === 1
        ? ' Il reste 1 conseil de niveau info, facultatif.'
        : ` Il reste ${infos} conseils de niveau info, facultatifs.`;
  return {
    passed: true,
    message: `Bravo : ${path} ne présente plus aucune erreur ni aucun avertissement.${advice}`,
  };
};
