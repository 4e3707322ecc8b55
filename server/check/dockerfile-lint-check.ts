// The `dockerfile-lint` check: lints a Dockerfile of the student's sandbox and passes when no
// error or warning is left (info findings are advice). Options: `path`, the Dockerfile to read.
import { lintDockerfile, type LintFinding } from './dockerfile-lint.ts';
import type { TsCheck } from './types.ts';

/** How many findings the message lists; the rest are counted. */
const maxListed = 5;

function describe(finding: LintFinding): string {
  return `ligne ${finding.line} : ${finding.rule} — ${finding.message}`;
}

export const dockerfileLintCheck: TsCheck = async (context, options) => {
  const path = options.path;
  if (!path) throw new Error('dockerfile-lint : option « path » manquante dans la définition de l’étape.');
  const text = await context.readFile(path);
  if (text === null) {
    return {
      passed: false,
      message: `Le fichier ${path} est introuvable : il doit exister pour être vérifié (relancez l'étape s'il a été supprimé).`,
    };
  }

  const findings = lintDockerfile(text);
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
