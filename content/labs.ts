// Loads and validates the TPs under labs/: metadata, ordered steps, check scripts and set-up
// files. Used by the Astro build (a bad TP fails the build) and by the server at start.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { splitFrontMatter } from './front-matter.ts';
import { idSchema, labMetaSchema, stepMetaSchema, type Lab, type LabStep } from '../shared/lab-schema.ts';

export class LabContentError extends Error {
  override name = 'LabContentError';
}

/** Default location of the TPs: labs/ of the project, which is where the build and the server run. */
export const defaultLabsDir = path.resolve(process.cwd(), 'labs');

const stepFile = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;
const maxFileBytes = 256 * 1024;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(racine)'} : ${i.message}`).join('; ');
}

function stepSource(source: string, file: string): { data: unknown; body: string } {
  const split = splitFrontMatter(source);
  if (!split) throw new LabContentError(`${file} : en-tête YAML (--- ... ---) manquant.`);
  return { data: split.data, body: split.body.trim() };
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

function loadStep(labDir: string, file: string, id: string): LabStep {
  const where = path.join(path.basename(labDir), 'steps', file);
  const { data, body } = stepSource(readFileSync(path.join(labDir, 'steps', file), 'utf8'), where);
  const parsed = stepMetaSchema.safeParse(data);
  if (!parsed.success) throw new LabContentError(`${where} : ${describe(parsed.error)}`);
  const meta = parsed.data;
  if (!body) throw new LabContentError(`${where} : les consignes (corps du fichier) sont vides.`);
  if (meta.challenge && meta.hints.length > 0) {
    throw new LabContentError(`${where} : un défi (challenge: true) n'a pas d'indice : retirez hints.`);
  }
  if (!meta.challenge && meta.hints.length === 0) {
    throw new LabContentError(`${where} : ajoutez au moins un indice (hints).`);
  }
  if (meta.kind === 'question' && !meta.question) {
    throw new LabContentError(`${where} : une étape « question » doit avoir un champ question.`);
  }
  const step: LabStep = { ...meta, id, instructions: body };
  if (typeof meta.check === 'string') {
    const script = path.join(labDir, 'checks', meta.check);
    if (!existsSync(script)) {
      throw new LabContentError(`${where} : le script de vérification checks/${meta.check} n'existe pas.`);
    }
    step.checkScript = readFileSync(script, 'utf8');
  }
  return step;
}

/** Loads one TP folder; throws a LabContentError saying, in French, what is wrong. */
export function loadLab(labDir: string): Lab {
  const id = path.basename(labDir);
  if (!idSchema.safeParse(id).success) {
    throw new LabContentError(`labs/${id} : nom de dossier invalide (minuscules, chiffres, tirets).`);
  }
  const metaFile = path.join(labDir, 'lab.yaml');
  if (!existsSync(metaFile)) throw new LabContentError(`labs/${id} : lab.yaml manquant.`);
  const meta = labMetaSchema.safeParse(parseYaml(readFileSync(metaFile, 'utf8')));
  if (!meta.success) throw new LabContentError(`labs/${id}/lab.yaml : ${describe(meta.error)}`);

  const stepsDir = path.join(labDir, 'steps');
  const stepFiles = existsSync(stepsDir)
    ? readdirSync(stepsDir)
        .filter((f) => f.endsWith('.md'))
        .sort()
    : [];
  const steps = stepFiles.map((file) => {
    const match = stepFile.exec(file);
    if (!match?.[2]) {
      throw new LabContentError(`labs/${id}/steps/${file} : nom attendu NN-identifiant.md (ex. 01-pull-debian.md).`);
    }
    return loadStep(labDir, file, match[2]);
  });
  if (steps.length === 0) throw new LabContentError(`labs/${id} : aucune étape dans steps/.`);
  const seen = new Set<string>();
  for (const step of steps) {
    if (seen.has(step.id)) throw new LabContentError(`labs/${id} : deux étapes ont l'identifiant ${step.id}.`);
    for (const need of step.needs ?? []) {
      if (!seen.has(need)) {
        throw new LabContentError(
          `labs/${id} : l'étape ${step.id} part de « ${need} », qui n'est pas une étape précédente du TP.`,
        );
      }
    }
    seen.add(step.id);
  }

  const filesDir = path.join(labDir, 'files');
  const files = existsSync(filesDir)
    ? listFiles(filesDir).map((rel) => {
        const full = path.join(filesDir, rel);
        const stat = statSync(full);
        if (stat.size > maxFileBytes) {
          throw new LabContentError(
            `labs/${id}/files/${rel} : fichier trop gros (${stat.size} octets, max ${maxFileBytes}).`,
          );
        }
        return { path: rel, mode: stat.mode & 0o777, contentBase64: readFileSync(full).toString('base64') };
      })
    : [];
  const setupFile = path.join(labDir, 'setup.sh');
  const lab: Lab = { ...meta.data, id, steps, files };
  if (existsSync(setupFile)) lab.setupScript = readFileSync(setupFile, 'utf8');
  return lab;
}

/** Loads every TP under `labsDir` (folders starting with `_` hold shared files, not TPs). */
export function loadLabs(labsDir: string = defaultLabsDir): Lab[] {
  if (!existsSync(labsDir)) throw new LabContentError(`Dossier des TP introuvable : ${labsDir}.`);
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'))
    .map((entry) => loadLab(path.join(labsDir, entry.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The bash helper library every shell check is run with. */
export function loadCheckLibrary(labsDir: string = defaultLabsDir): string {
  const file = path.join(labsDir, '_lib', 'check.sh');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Ids of the steps a step starts from: its `needs`, by default the step just before it. */
export function stepNeeds(lab: Lab, stepId: string): string[] {
  const index = lab.steps.findIndex((step) => step.id === stepId);
  const step = lab.steps[index];
  if (!step) return [];
  return step.needs ?? (index > 0 ? [lab.steps[index - 1]?.id ?? ''] : []);
}

/**
 * The steps of a TP as independent chains, for tests that replay them: each chain is a run of
 * steps where each one starts from the one before it, after a prefix of earlier steps to solve
 * first (the transitive needs of its first step), in TP order.
 */
export function stepChains(lab: Lab): { prefix: string[]; steps: string[] }[] {
  const chains: { prefix: string[]; steps: string[] }[] = [];
  for (const step of lab.steps) {
    const needs = stepNeeds(lab, step.id);
    const tail = needs.length === 1 ? chains.find((chain) => chain.steps.at(-1) === needs[0]) : undefined;
    if (tail) {
      tail.steps.push(step.id);
      continue;
    }
    const prefix = new Set<string>();
    const visit = (id: string) => {
      if (prefix.has(id)) return;
      for (const need of stepNeeds(lab, id)) visit(need);
      prefix.add(id);
    };
    for (const need of needs) visit(need);
    const order = lab.steps.map((s) => s.id);
    chains.push({ prefix: [...prefix].sort((a, b) => order.indexOf(a) - order.indexOf(b)), steps: [step.id] });
  }
  return chains;
}
