// What the driver learns from the engine once at start (user remapping, cgroups) and the
// isolation mode it settles on; and the sandboxes' CPU weight against the server, kept applied.
import type { Logger } from '../log/log.ts';
import { applySandboxWeight, weightFiles, type CgroupDriver } from './cpu-weight.ts';
import type { EngineFacts } from './container-spec.ts';
import { IsolationError } from './driver.ts';
import type { EngineCalls } from './engine-calls.ts';

/** What a sandbox's root is on the host: an ordinary user (userns) or root itself (none). */
export type IsolationMode = 'userns' | 'none';

export interface EngineCgroups {
  driver: CgroupDriver;
  version: '1' | '2';
}

/** Before the engine was asked: no remapping, cgroup v2 with cgroupfs. */
export const unprobedEngine: { facts: EngineFacts; cgroups: EngineCgroups } = {
  facts: { remapsUsers: false, isolation: 'none', cgroupDriver: 'cgroupfs' },
  cgroups: { driver: 'cgroupfs', version: '2' },
};

/**
 * Asks the engine what it is and settles the isolation mode: `userns` needs an engine run with
 * userns-remap (Docker then maps each sandbox's root to an unprivileged host user); `none` on
 * such an engine opts the sandboxes out of it. Throws IsolationError when `userns` was asked of
 * an engine that cannot give it.
 */
export async function probeEngine(
  calls: EngineCalls,
  asked: 'auto' | 'userns' | 'none',
  privileged: boolean,
): Promise<{ facts: EngineFacts; cgroups: EngineCgroups }> {
  // dockerode's types omit info()'s options, which it does pass on.
  const docker = calls.docker as unknown as { info(o: { abortSignal: AbortSignal }): Promise<unknown> };
  const info = (await docker.info(calls.within())) as {
    SecurityOptions?: string[];
    CgroupDriver?: string;
    CgroupVersion?: string;
    DockerRootDir?: string;
  };
  const cgroups: EngineCgroups = {
    driver: info.CgroupDriver === 'systemd' ? 'systemd' : 'cgroupfs',
    version: info.CgroupVersion === '1' ? '1' : '2',
  };
  const remapsUsers = (info.SecurityOptions ?? []).some((option) => option.split(',').includes('name=userns'));
  if (asked === 'userns' && !remapsUsers) {
    throw new IsolationError('SANDBOX_ISOLATION=userns but the engine does not run with userns-remap');
  }
  const isolation: IsolationMode = asked === 'none' || privileged || !remapsUsers ? 'none' : 'userns';
  // A remapping engine keeps its data in `<root>/<uid>.<gid>`, the ids its containers' root is.
  const ids = remapsUsers ? /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? '') : null;
  const remappedRoot = ids ? { uid: Number(ids[1]), gid: Number(ids[2]) } : undefined;
  return {
    facts: { remapsUsers, isolation, cgroupDriver: cgroups.driver, ...(remappedRoot ? { remappedRoot } : {}) },
    cgroups,
  };
}

/** Gives the sandboxes' parent cgroup its weight; says so, once, when it cannot. */
export class SandboxWeight {
  private readonly weight: number | undefined;
  private readonly log: Logger;
  /** Whether weighing the sandboxes worked last time (undefined before the first try). */
  private weighed: boolean | undefined;

  constructor(weight: number | undefined, log: Logger) {
    this.weight = weight;
    this.log = log;
  }

  async apply(cgroups: EngineCgroups): Promise<void> {
    const weight = this.weight;
    if (!weight) return;
    const files = weightFiles('/sys/fs/cgroup', cgroups.version, cgroups.driver, weight);
    const { applied, error } = await applySandboxWeight(files);
    const first = this.weighed === undefined;
    this.weighed = applied;
    if (!first) return;
    if (applied) this.log.info('sandboxes weighed against the server', { weight, cgroups });
    else
      this.log.warn('could not weigh the sandboxes against the server: they share the CPU with it at equal weight', {
        files: files.map((f) => f.file),
        error,
      });
  }
}
