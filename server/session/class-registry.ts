// The classes and their members as stored: created within the rules, joined, recovered, renamed, removed, locked.
import type { ClassInfo } from '../../shared/contract.ts';
import { classLimits, sandboxLabId } from '../../shared/limits.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import type { Logger } from '../log/log.ts';
import { isLegacyCode, type ClassRecord, type ClassStore, type MemberRecord } from '../progress/classes.ts';
import type { ProgressStore } from '../progress/store.ts';
import { ClassEndedError, ClassNotFoundError, ClassRuleError } from './class-errors.ts';
import type { Session } from './manager.ts';
import { looksAlike } from './name-fold.ts';

export interface ClassroomDeps {
  store: ClassStore;
  progress: ProgressStore;
  labs: Map<string, Lab>;
  decks: Set<string>;
  defaultDeck: string;
  log: Logger;
  /**
   * Class members one client address may hold in all running classes (CLASS_MEMBERS_PER_CLIENT),
   * and sandboxes those members may hold together: a class behind one school's NAT fits, one
   * address making up members to get more sandboxes than its own share does not go further.
   */
  membersPerClient?: number;
}

/** The store's side of the classroom; no sockets here: classroom.ts tells the pages of each change. */
export class ClassRegistry {
  private readonly deps: ClassroomDeps;

  constructor(deps: ClassroomDeps) {
    this.deps = deps;
  }

  get membersPerClient(): number {
    return this.deps.membersPerClient ?? classLimits.membersPerClient;
  }

  /** A four-character code is guessable (shared/limits.ts): running classes get a long one. */
  lengthenLegacyCodes(): ClassRecord[] {
    const live = this.deps.store.live();
    for (const klass of live) {
      if (!isLegacyCode(klass.code)) continue;
      // Shown on the instructor's dashboard; members already in keep their keys.
      const code = this.deps.store.reissueCode(klass.id);
      this.deps.log.info('class code lengthened', { classId: klass.id, code });
    }
    return live;
  }

  create(input: { title: string; deck?: string; labs: string[]; seats: number; endsAt?: string }): ClassRecord {
    const labs = [...new Set(input.labs)];
    const unknown = labs.find((lab) => !this.deps.labs.has(lab));
    if (unknown) {
      throw new ClassRuleError(
        'unknown-lab',
        `TP inconnu : « ${unknown.slice(0, 60)} ». TP disponibles : ${[...this.deps.labs.keys()].join(', ')}.`,
      );
    }
    const deck = input.deck ?? this.deps.defaultDeck;
    if (!this.deps.decks.has(deck)) {
      throw new ClassRuleError(
        'unknown-deck',
        `Diaporama inconnu : « ${deck.slice(0, 60)} ». Disponibles : ${[...this.deps.decks].join(', ')}.`,
      );
    }
    const now = Date.now();
    const endsAt = input.endsAt ? new Date(input.endsAt) : new Date(now + 8 * 3600 * 1000);
    if (endsAt.getTime() <= now + 60_000 || endsAt.getTime() > now + classLimits.maxHours * 3600 * 1000) {
      throw new ClassRuleError(
        'ends-at',
        `Heure de fin invalide : elle doit tomber entre dans une minute et dans ${classLimits.maxHours / 24} jours.`,
      );
    }
    const klass = this.deps.store.create({ title: input.title, deck, labs, seats: input.seats, endsAt });
    this.deps.log.info('class created', { classId: klass.id, labs, seats: klass.seats });
    return klass;
  }

  get(id: string): ClassRecord {
    const klass = this.deps.store.get(id);
    if (!klass) throw new ClassNotFoundError(id);
    return klass;
  }

  /** A class that still runs (ended: ClassEndedError). */
  running(id: string): ClassRecord {
    const klass = this.get(id);
    if (klass.endedAt) throw new ClassEndedError(id);
    return klass;
  }

  list(): ClassRecord[] {
    return this.deps.store.list();
  }

  info(klass: ClassRecord): ClassInfo {
    return {
      id: klass.id,
      code: klass.code,
      title: klass.title,
      deck: klass.deck,
      labs: klass.labs,
      endsAt: klass.endsAt,
      ...(klass.endedAt ? { endedAt: klass.endedAt } : {}),
      ...(klass.locked ? { locked: true } : {}),
    };
  }

  members(classId: string): MemberRecord[] {
    return this.deps.store.members(classId);
  }

  memberCount(classId: string): number {
    return this.deps.store.memberCount(classId);
  }

  /** A running class by its join code (a wrong code and an ended class are told apart). */
  private byCode(code: string): ClassRecord {
    const klass = this.deps.store.byCode(code);
    if (!klass) throw new ClassNotFoundError(code);
    if (klass.endedAt) throw new ClassEndedError(klass.id);
    return klass;
  }

  /** A new member, from the client `address` (an IPv4 address or an IPv6 /64). */
  join(
    code: string,
    name: string,
    address: string,
  ): { klass: ClassRecord; learner: string; key: string; recoveryCode: string } {
    const klass = this.byCode(code);
    const joined = this.deps.store.join(klass, name, {
      alike: (memberName) => looksAlike(name, memberName),
      address,
      membersPerAddress: this.membersPerClient,
    });
    this.deps.log.info('class joined', { classId: klass.id, learner: joined.learner });
    return { klass, ...joined };
  }

  /** A member's place taken back with their recovery code: a new key, the old one revoked. */
  recover(code: string, recoveryCode: string): { klass: ClassRecord; member: MemberRecord; key: string } {
    const klass = this.byCode(code);
    const found = this.deps.store.recover(klass.id, recoveryCode);
    if (!found) throw new ClassNotFoundError(code);
    this.deps.store.audit(klass.id, found.member.learner, 'recovered');
    return { klass, ...found };
  }

  /** A member of this class (someone else's, or nobody: ClassNotFoundError). */
  memberOf(classId: string, learner: string): MemberRecord {
    const member = this.deps.store.member(learner);
    if (!member || member.classId !== classId) throw new ClassNotFoundError(learner);
    return member;
  }

  /** Forgets a member: their key, their place and their results. */
  remove(classId: string, learner: string): { klass: ClassRecord; member: MemberRecord } {
    const klass = this.get(classId);
    const member = this.memberOf(classId, learner);
    this.deps.store.remove(learner);
    this.deps.store.audit(classId, learner, 'removed');
    this.deps.log.info('class member removed', { classId, learner });
    return { klass, member };
  }

  /** Gives a member another name (one too like a classmate's is refused, as at join). */
  rename(classId: string, learner: string, name: string): MemberRecord {
    this.memberOf(classId, learner);
    const renamed = this.deps.store.rename(learner, name, (other) => looksAlike(name, other));
    this.deps.store.audit(classId, learner, 'renamed');
    return renamed;
  }

  setLocked(classId: string, locked: boolean): void {
    this.running(classId);
    this.deps.store.setLocked(classId, locked);
    this.deps.store.audit(classId, null, locked ? 'locked' : 'unlocked');
  }

  /** The class a learner belongs to, with their member record; undefined for self-paced learners. */
  membership(learner: string): { klass: ClassRecord; member: MemberRecord } | undefined {
    const member = this.deps.store.member(learner);
    const klass = member ? this.deps.store.get(member.classId) : undefined;
    return member && klass ? { klass, member } : undefined;
  }

  memberOfSession(session: Session): MemberRecord | undefined {
    return session.learnerId ? this.deps.store.member(session.learnerId) : undefined;
  }

  /** Whether `step` is a step of one of the class's TPs (null: the TP itself, no step yet). */
  hasStep(klass: ClassRecord, lab: string, step: string | null): boolean {
    if (!klass.labs.includes(lab)) return false;
    return step === null || (this.deps.labs.get(lab)?.steps.some((s) => s.id === step) ?? false);
  }

  /**
   * Whether a class member may open a session for `labId` now: the class is running, the TP is
   * one of the class's (or the bare sandbox), and the member holds fewer than their share.
   * `sessionsOf` counts a learner's sessions (undefined without a Docker engine).
   */
  admitSession(
    learner: string,
    labId: string,
    bareLabId: string,
    sessionsOf: ((learner: string) => number) | undefined,
  ): void {
    const found = this.membership(learner);
    if (!found) return;
    if (found.klass.endedAt) throw new ClassEndedError(found.klass.id);
    if (labId !== bareLabId && !found.klass.labs.includes(labId)) {
      throw new ClassRuleError('lab', `Ce TP ne fait pas partie du cours « ${found.klass.title} ».`);
    }
    const held = sessionsOf?.(learner) ?? 0;
    if (held >= classLimits.sessionsPerMember) {
      throw new ClassRuleError(
        'sessions',
        `Vous avez déjà ${held} bacs à sable ouverts : fermez un onglet de TP (ou « Réinitialiser ») avant d’en ouvrir un autre.`,
      );
    }
    // The members joined from one address share one bound, so that members made up by one
    // address never hold more sandboxes than CLASS_MEMBERS_PER_CLIENT allows.
    const address = this.deps.store.joinedFrom(learner);
    if (address === undefined || !sessionsOf) return;
    const together = this.deps.store.membersFrom(address).reduce((n, member) => n + sessionsOf(member), 0);
    if (together >= this.membersPerClient) {
      throw new ClassRuleError(
        'address',
        `Les élèves inscrits depuis votre réseau ont déjà ${together} bacs à sable ouverts (${this.membersPerClient} au plus) : fermez un onglet de TP inutilisé, ou demandez au formateur.`,
      );
    }
  }

  /**
   * Records the step a student's page shows, if it is one of the class's TPs (a real step of it,
   * or none yet) or the bare sandbox; anything else is ignored. The class whose row changed.
   */
  movePosition(learner: string, lab: string, step: string | null): string | undefined {
    const found = this.membership(learner);
    if (!found || found.klass.endedAt) return undefined;
    const valid = lab === sandboxLabId ? step === null : this.hasStep(found.klass, lab, step);
    if (!valid) return undefined;
    if (found.member.lab === lab && found.member.step === step) return undefined;
    this.deps.store.setPosition(learner, lab, step);
    return found.klass.id;
  }
}
