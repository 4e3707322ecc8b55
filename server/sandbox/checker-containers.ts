// Each session's checker: a container beside the sandbox where checks run out of the student's
// reach, made once the sandbox is up (or at the first check), made again if killed from inside.
import type { Logger } from '../log/log.ts';
import { checkerContainer, checkerName, type ContainerSettings, type EngineFacts } from './container-spec.ts';
import { labels, SandboxGoneError } from './driver.ts';
import { goneOr, isNotFound, type EngineCalls } from './engine-calls.ts';

export class CheckerContainers {
  private readonly calls: EngineCalls;
  private readonly settings: ContainerSettings;
  private readonly facts: () => EngineFacts;
  private readonly log: Logger;
  /** Sessions whose checker is known to run (or being made), so each check does not ask. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(calls: EngineCalls, settings: ContainerSettings, facts: () => EngineFacts, log: Logger) {
    this.calls = calls;
    this.settings = settings;
    this.facts = facts;
    this.log = log;
  }

  /** Makes sure the session's checker runs; a dead one (killed from the sandbox) is made again. */
  ensure(sessionId: string): Promise<void> {
    let ready = this.running.get(sessionId);
    if (!ready) {
      ready = this.start(sessionId);
      this.running.set(sessionId, ready);
      ready.catch(() => this.running.delete(sessionId));
    }
    return ready;
  }

  /** The checker was found gone: the next ensure() makes it again. */
  forget(sessionId: string): void {
    this.running.delete(sessionId);
  }

  /** Removes the session's checker, waiting first for one being made so it is not left behind. */
  async remove(sessionId: string): Promise<void> {
    const pending = this.running.get(sessionId);
    this.running.delete(sessionId);
    await pending?.catch(() => {});
    await this.removeContainer(sessionId);
  }

  /** Removes the checker's container, whatever this server knows of it (orphans too). */
  async removeContainer(sessionId: string): Promise<void> {
    try {
      await this.calls.docker
        .getContainer(checkerName(sessionId))
        .remove({ force: true, v: true, ...this.calls.within() });
    } catch (error) {
      if (!isNotFound(error)) this.log.warn('checker container not removed', { sessionId, error });
    }
  }

  private async start(sessionId: string): Promise<void> {
    const { docker } = this.calls;
    const existing = docker.getContainer(checkerName(sessionId));
    try {
      const info = await existing.inspect(this.calls.within());
      if (info.State.Running) return;
      await existing.remove({ force: true, v: true, ...this.calls.within() });
    } catch (error) {
      if (!isNotFound(error)) throw goneOr(error, sessionId);
    }
    let labelsOfSandbox: Record<string, string>;
    try {
      const info = await this.calls.sandbox(sessionId).inspect(this.calls.within());
      if (!info.State.Running) throw new SandboxGoneError(sessionId);
      labelsOfSandbox = info.Config.Labels;
    } catch (error) {
      throw goneOr(error, sessionId);
    }
    try {
      const checker = await docker.createContainer({
        ...checkerContainer(
          this.settings,
          this.facts(),
          sessionId,
          labelsOfSandbox[labels.expires] ?? '',
          this.calls.sandboxRef(sessionId),
        ),
        ...this.calls.within(),
      });
      await checker.start(this.calls.within());
    } catch (error) {
      // Two starts of the same checker at once (a restarted server): the other one made it.
      if ((error as { statusCode?: number }).statusCode === 409 && /already in use/.test(String(error))) return;
      throw goneOr(error, sessionId);
    }
  }
}
