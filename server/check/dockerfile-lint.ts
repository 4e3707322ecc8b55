// Lints a Dockerfile with rules modelled on hadolint's (same rule ids), with French messages that
// say why a practice is bad and how to fix it. Pure: text in, findings out; used by the
// best-practices step of the TP Dockerfile through dockerfile-lint-check.ts, which runs it in a
// worker thread (dockerfile-lint-thread.ts). Every rule is linear in the Dockerfile's length:
// the text is the student's, and a regex that backtracks would let a few hundred KB take minutes.
import {
  DockerfileParser,
  Instruction,
  ModifiableInstruction,
  type Argument,
  type From,
  type Property,
  type Run,
} from 'dockerfile-ast';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  /** Rule id, hadolint's where one exists (DL3020...), SEC001/SEC002 for secrets, DL1000 for parse errors. */
  rule: string;
  /** 1-based line of the instruction. */
  line: number;
  severity: LintSeverity;
  /** French explanation: what is wrong, why, and how to fix it. */
  message: string;
}

const knownKeywords = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

const severityOrder: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

// dockerfile-ast 0.7 takes an instruction's flags (RUN --mount=..., COPY --from=...) off its
// arguments with one Array#shift per flag, and the parser itself asks for the arguments: once the
// array is large V8 moves every element on each shift, so a RUN of 85 000 `--` words (256 KB) took
// 13 s to parse. Same arguments, one slice. Done once, here, as every parse goes through this module.
ModifiableInstruction.prototype.getArguments = function (this: ModifiableInstruction): Argument[] {
  const args = Instruction.prototype.getArguments.call(this);
  // getFlags() reads the arguments through this method: while it collects the flags, none is dropped.
  return args.slice(this.getFlags().length);
};

/** Words that name a secret wherever they stand in a name, in English and in French. */
const secretWords =
  'PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|MOT_?DE_?PASSE|JETON|CLE_?(?:API|PRIVEE|SECRETE)';
/** Short ones, secrets only as a word of their own: DB_PWD, not PASSENGER. */
const shortSecretWords = 'MDP|PASS|PWD|PSWD|PW';

/**
 * Names of ENV/ARG variables that hold secrets, in English and in French (the students'
 * language); `*_FILE` variables point at a file instead.
 */
const secretName = new RegExp(`${secretWords}|(?:^|_)(?:${shortSecretWords})(?:$|_)`, 'i');

/**
 * A secret given a value in a RUN's text (`password=…`, `DB_PWD: …`): the same words, then `=`
 * or `:`, then a value that is not a variable. Written to a file of the image by a redirection or
 * tee, it stays in that RUN's layer. Bounded repeats keep it linear on a crafted 256 KB RUN.
 */
const secretAssignment = new RegExp(
  `(?:^|[^A-Za-z0-9])([A-Za-z_]{0,40}(?:${secretWords}|(?<![A-Za-z])(?:${shortSecretWords})(?![A-Za-z]))[A-Za-z_]{0,40})` +
    `[ \\t]{0,8}[=:][ \\t]{0,8}["']?([^\\s"'$\`;&|]{3,})`,
  'i',
);
/** A RUN that writes to a file: a redirection (not to /dev/…) or tee. */
const writesFile = /(?:>>?\s*(?!\/dev\/|&)[^\s&|;]+)|(?:(?:^|[\s|;&])tee\s)/;

/** Local archives that ADD extracts: the one case where ADD is the right instruction. */
const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst)$/i;
const remote = /^(https?:\/\/|git@|git:\/\/)/i;

interface Stage {
  from: From;
  instructions: Instruction[];
}

/** A simple command of a shell line: its program (basename) and its words after it. */
interface SimpleCommand {
  program: string;
  args: string[];
}

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** The arguments of an instruction in exec (JSON array) form, or null in shell form. */
function execForm(instruction: Instruction): string[] | null {
  const content = instruction.getArgumentsContent()?.trim() ?? '';
  if (!content.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(content);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** The shell text a RUN executes: its heredoc bodies, its exec-form words, or its arguments. */
function runScript(run: Instruction): string {
  const exec = execForm(run);
  if (exec) return exec.join(' ');
  const content = run.getArgumentsContent() ?? '';
  const heredoc = /^\s*<<-?\s*["']?(\w+)["']?/.exec(content);
  if (heredoc?.[1]) {
    const lines = content.split('\n');
    const end = lines.findIndex((line, index) => index > 0 && line.trim() === heredoc[1]);
    return [lines[0]?.replace(heredoc[0], '') ?? '', ...lines.slice(1, end < 0 ? undefined : end)].join('\n');
  }
  // getArguments() drops comment lines and line continuations; words keep their quotes.
  return run
    .getArguments()
    .map((argument) => argument.getValue())
    .join(' ');
}

/** Linear: anchored, and `.*` backtracks at most once over the word to find the closing quote. */
function unquote(word: string): string {
  return word.replace(/^(["'])(.*)\1$/, '$2');
}

/** Splits shell text into simple commands, skipping env assignments and sudo/exec/env prefixes. */
function simpleCommands(script: string): SimpleCommand[] {
  return script
    .split(/&&|\|\||[;|&\n(){}]/)
    .map((part) => part.trim().split(/\s+/).filter(Boolean).map(unquote))
    .flatMap((words) => {
      let index = 0;
      while (index < words.length) {
        const word = words[index] ?? '';
        if (
          /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) ||
          ['sudo', 'exec', 'env', 'then', 'do', 'else', '!'].includes(word)
        ) {
          index += 1;
        } else break;
      }
      const program = words[index];
      if (!program) return [];
      return [{ program: program.split('/').pop() ?? program, args: words.slice(index + 1) }];
    });
}

/** The apt subcommand of an apt/apt-get call (`install`, `update`...), skipping options. */
function aptSubcommand(command: SimpleCommand): string | undefined {
  for (let index = 0; index < command.args.length; index += 1) {
    const arg = command.args[index] ?? '';
    if (arg === '-o' || arg === '-c' || arg === '-t') {
      index += 1;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const isApt = (command: SimpleCommand): boolean => ['apt-get', 'apt', 'aptitude'].includes(command.program);

/**
 * Whether the script removes the apt lists: `rm`, a blank, then /var/lib/apt/lists in the same
 * command (no ; & | between). This was /\brm\s+[^;&|]*\/var\/lib\/apt\/lists/, quadratic or
 * worse: from every `rm` the regex tried every split of the blanks between `\s+` and `[^;&|]*`,
 * each time scanning to the next separator. Here each command is scanned once: its first
 * `rm` followed by a blank, then the path anywhere after it.
 */
export function removesAptLists(script: string): boolean {
  return script.split(/[;&|]/).some((command) => {
    const rm = command.search(/\brm\s/);
    return rm >= 0 && command.includes('/var/lib/apt/lists', rm + 3);
  });
}

function parseErrors(instructions: Instruction[], text: string): LintFinding[] {
  if (text.trim() === '' || instructions.length === 0) {
    return [
      {
        rule: 'DL1000',
        line: 1,
        severity: 'error',
        message:
          "Le fichier est vide ou ne contient aucune instruction : un Dockerfile commence par FROM suivi de l'image de base.",
      },
    ];
  }
  const findings: LintFinding[] = [];
  let seenFrom = false;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (!knownKeywords.has(keyword)) {
      findings.push({
        rule: 'DL1000',
        line: lineOf(instruction),
        severity: 'error',
        message: `« ${instruction.getInstruction().slice(0, 40)} » n'est pas une instruction Dockerfile : ce fichier n'est pas un Dockerfile valide (instructions connues : FROM, RUN, COPY, CMD...).`,
      });
    } else if (keyword === 'FROM') {
      seenFrom = true;
    } else if (!seenFrom && keyword !== 'ARG') {
      findings.push({
        rule: 'DL1000',
        line: lineOf(instruction),
        severity: 'error',
        message: `${keyword} apparaît avant le premier FROM : seul ARG peut précéder FROM, qui doit ouvrir le Dockerfile.`,
      });
    }
  }
  if (findings.length === 0 && !seenFrom) {
    findings.push({
      rule: 'DL1000',
      line: 1,
      severity: 'error',
      message: "Aucune instruction FROM : un Dockerfile doit partir d'une image de base (FROM image:tag).",
    });
  }
  return findings;
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') stages.push({ from: instruction as From, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

function checkFrom(from: From, stageNames: Set<string>): LintFinding[] {
  const image = from.getImageName();
  const reference = from.getArguments()[0]?.getValue() ?? '';
  if (!image || reference.includes('$') || image.toLowerCase() === 'scratch') return [];
  if (stageNames.has(reference.toLowerCase())) return [];
  if (from.getImageDigest()) return [];
  const tag = from.getImageTag();
  const line = lineOf(from);
  const example = /(^|\/)debian$/.test(image) ? `${image}:bookworm-slim` : `${image}:1.2.3`;
  if (!tag) {
    return [
      {
        rule: 'DL3006',
        line,
        severity: 'warning',
        message: `L'image de base « ${reference} » n'a pas de tag : Docker prend alors « latest », qui change sans prévenir et rend le build non reproductible. Précisez la version, par exemple ${example}.`,
      },
    ];
  }
  if (tag === 'latest') {
    return [
      {
        rule: 'DL3007',
        line,
        severity: 'warning',
        message: `Le tag « latest » ne désigne pas une version précise : l'image de base changera d'un build à l'autre. Choisissez un tag de version, par exemple ${example}.`,
      },
    ];
  }
  return [];
}

function checkRun(run: Run, finalStage: boolean): LintFinding[] {
  const findings: LintFinding[] = [];
  const line = lineOf(run);
  const script = runScript(run);
  const commands = simpleCommands(script);
  const add = (rule: string, severity: LintSeverity, message: string): void => {
    if (!findings.some((finding) => finding.rule === rule)) findings.push({ rule, line, severity, message });
  };
  const written = writesFile.test(script) ? secretAssignment.exec(script) : null;
  if (written?.[1]) {
    add(
      'SEC002',
      'error',
      `Ce RUN écrit un secret (${written[1]}) dans un fichier de l'image : il restera dans la couche de ce RUN, lisible par quiconque a l'image, même si un RUN suivant l'efface. Donnez-le au conteneur au lancement (docker run -e, ou un fichier monté) ou, pour la construction, avec un secret de build (RUN --mount=type=secret).`,
    );
  }

  for (const command of commands) {
    if (command.program === 'cd') {
      add(
        'DL3003',
        'warning',
        "cd dans un RUN ne vaut que pour ce RUN et rend le Dockerfile difficile à suivre : utilisez l'instruction WORKDIR /chemin, qui s'applique aux instructions suivantes.",
      );
    }
    if (command.program === 'apt') {
      add(
        'DL3027',
        'warning',
        "apt est fait pour un usage interactif (son interface n'est pas stable pour les scripts) : utilisez apt-get dans un Dockerfile.",
      );
    }
    if (!isApt(command)) continue;
    const subcommand = aptSubcommand(command);
    if (subcommand && ['upgrade', 'dist-upgrade', 'full-upgrade', 'safe-upgrade'].includes(subcommand)) {
      add(
        'DL3005',
        'error',
        `N'utilisez pas ${command.program} ${subcommand} dans une image applicative : les mises à jour du système viennent de l'image de base, qu'il suffit de reconstruire ou de mettre à jour (nouveau tag). Supprimez cette commande.`,
      );
    }
    if (
      subcommand === 'install' &&
      !command.args.some((arg) => arg === '--no-install-recommends' || /Install-Recommends=(false|0)/i.test(arg))
    ) {
      add(
        'DL3015',
        'info',
        `Ajoutez --no-install-recommends à ${command.program} install : les paquets seulement recommandés ne sont pas nécessaires et alourdissent l'image.`,
      );
    }
  }

  const updates = commands.some((command) => isApt(command) && aptSubcommand(command) === 'update');
  const cleans = removesAptLists(script);
  const cacheMount = run
    .getFlags()
    .some((flag) => flag.getName() === 'mount' && /\/var\/lib\/apt/.test(flag.getValue() ?? ''));
  if (finalStage && updates && !cleans && !cacheMount) {
    add(
      'DL3009',
      'warning',
      "Les listes de paquets téléchargées par apt-get update restent dans la couche de ce RUN et alourdissent l'image : effacez-les dans le même RUN, en terminant par && rm -rf /var/lib/apt/lists/* (un RUN séparé ne ferait que les masquer).",
    );
  }
  return findings;
}

function checkAdd(instruction: Instruction): LintFinding[] {
  const words = execForm(instruction) ?? instruction.getArguments().map((argument) => unquote(argument.getValue()));
  const sources = words.slice(0, -1);
  if (sources.length === 0 || sources.some((source) => source.startsWith('<<'))) return [];
  const local = sources.filter((source) => !remote.test(source) && !archive.test(source));
  if (local.length === 0) return [];
  return [
    {
      rule: 'DL3020',
      line: lineOf(instruction),
      severity: 'error',
      message: `Utilisez COPY au lieu d'ADD pour copier des fichiers ou des dossiers locaux (${local.join(', ')}) : ADD a des effets cachés (extraction d'archives, téléchargements) ; gardez-le pour extraire une archive locale.`,
    },
  ];
}

function checkExecForm(instruction: Instruction): LintFinding[] {
  if (execForm(instruction)) return [];
  const keyword = instruction.getKeyword();
  const words = instruction.getArguments().map((argument) => argument.getValue());
  const example =
    words.length > 0
      ? `${keyword} [${words.map((word) => JSON.stringify(unquote(word))).join(', ')}]`
      : `${keyword} ["programme", "argument"]`;
  return [
    {
      rule: 'DL3025',
      line: lineOf(instruction),
      severity: 'warning',
      message: `${keyword} est en forme shell : le programme est lancé par /bin/sh -c, ne reçoit pas les signaux d'arrêt (docker stop attend puis le tue) et, pour ENTRYPOINT, ignore CMD. Écrivez la forme exec (JSON, guillemets doubles) : ${example.slice(0, 100)}.`,
    },
  ];
}

function checkWorkdir(instruction: Instruction): LintFinding[] {
  const path = unquote(instruction.getArgumentsContent()?.trim() ?? '');
  if (path === '' || path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path)) return [];
  return [
    {
      rule: 'DL3000',
      line: lineOf(instruction),
      severity: 'error',
      message: `WORKDIR « ${path} » est un chemin relatif : il dépend du WORKDIR précédent, ce qui est source d'erreurs. Donnez un chemin absolu, par exemple WORKDIR /${path.replace(/^\.\//, '')}.`,
    },
  ];
}

function checkSecrets(instruction: Instruction): LintFinding[] {
  const properties: Property[] = (instruction as unknown as { getProperties(): Property[] }).getProperties();
  const keyword = instruction.getKeyword();
  return properties
    .filter((property) => secretName.test(property.getName()) && !/_FILE$/i.test(property.getName()))
    .filter((property) => (property.getValue() ?? '').trim() !== '')
    .map((property) => ({
      rule: 'SEC001',
      line: lineOf(instruction),
      severity: 'error' as const,
      message: `${keyword} ${property.getName()} contient un secret écrit dans le Dockerfile : il restera lisible par quiconque a l'image (docker history, docker inspect). Retirez-le et injectez-le au lancement (docker run -e ${property.getName()}=...) ou avec un secret de build.`,
    }));
}

function checkLastUser(stage: Stage): LintFinding[] {
  const users = stage.instructions.filter((instruction) => instruction.getKeyword() === 'USER');
  const last = users.at(-1);
  if (!last) return [];
  const user = (last.getArgumentsContent()?.trim() ?? '').split(':')[0];
  if (user !== 'root' && user !== '0') return [];
  return [
    {
      rule: 'DL3002',
      line: lineOf(last),
      severity: 'warning',
      message:
        "Le dernier USER de l'image est root : le processus du conteneur tournera en root, ce qui facilite de nombreuses attaques. Terminez par un utilisateur dédié (RUN useradd ... puis USER nom), ou supprimez ce USER root.",
    },
  ];
}

/** Lints a Dockerfile; findings are sorted by line, then by severity. */
export function lintDockerfile(text: string): LintFinding[] {
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const errors = parseErrors(instructions, text);
  if (errors.length > 0) return errors;

  const findings: LintFinding[] = [];
  // ARGs before the first FROM (global build arguments) can leak secrets too.
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') break;
    findings.push(...checkSecrets(instruction));
  }
  const stages = splitStages(instructions);
  const stageNames = new Set<string>();
  stages.forEach((stage, index) => {
    const finalStage = index === stages.length - 1;
    findings.push(...checkFrom(stage.from, stageNames));
    const name = stage.from.getBuildStage();
    if (name) stageNames.add(name.toLowerCase());

    let previous: Instruction | undefined;
    for (const instruction of stage.instructions) {
      switch (instruction.getKeyword()) {
        case 'RUN':
          findings.push(...checkRun(instruction as Run, finalStage));
          if (previous?.getKeyword() === 'RUN') {
            findings.push({
              rule: 'DL3059',
              line: lineOf(instruction),
              severity: 'info',
              message:
                'Plusieurs RUN se suivent : chacun crée une couche. Regroupez-les en un seul RUN avec && (et des \\ pour aller à la ligne).',
            });
          }
          break;
        case 'ADD':
          findings.push(...checkAdd(instruction));
          break;
        case 'CMD':
        case 'ENTRYPOINT':
          findings.push(...checkExecForm(instruction));
          break;
        case 'WORKDIR':
          findings.push(...checkWorkdir(instruction));
          break;
        case 'ENV':
        case 'ARG':
          findings.push(...checkSecrets(instruction));
          break;
        case 'MAINTAINER':
          findings.push({
            rule: 'DL4000',
            line: lineOf(instruction),
            severity: 'error',
            message:
              'L\'instruction MAINTAINER est obsolète : remplacez-la par une étiquette, LABEL maintainer="nom@exemple.fr".',
          });
          break;
      }
      previous = instruction;
    }
    if (finalStage) findings.push(...checkLastUser(stage));
  });

  return findings.sort((a, b) => a.line - b.line || severityOrder[a.severity] - severityOrder[b.severity]);
}
