// The `dockerfile-lint` check: lints a Dockerfile of the student's sandbox and passes when no
// error or warning is left (info findings are advice). Options: `path`, the Dockerfile to read.
// The lint runs in the linter's thread, never on the event loop (dockerfile-lint-thread.ts).
import { lintDockerfileOffThread, maxDockerfileBytes } from './dockerfile-lint-thread.ts';
import type { LintFinding } from './dockerfile-lint.ts';
import type { TsCheck } from './types.ts';

/** How many findings the message lists; the rest are counted. */
const maxListed = 5;

function describe(finding: LintFinding): string {
  return `ligne ${finding.line} : ${finding.rule} — ${finding.message}`;
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
