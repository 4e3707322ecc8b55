// The driver's settings as the unit tests use them: the containers' (pinned by
// container-spec.test.ts) and a whole driver's, each test overriding what it is about.
import type { ContainerSettings } from '../../server/sandbox/container-spec.ts';
import type { DockerDriverOptions } from '../../server/sandbox/docker-driver.ts';

export const containerSettings: ContainerSettings = {
  image: 'cours-docker/sandbox:latest',
  runtime: 'runc',
  privileged: false,
  memoryBytes: 1024 ** 3,
  cpus: 1,
  cpuWeight: 25,
  pidsLimit: 1024,
  diskBytes: 4 * 1024 ** 3,
  homeBytes: 256 * 1024 ** 2,
  registryContainer: 'cours-docker-registry-mirror',
  registryAlias: 'registry.cours',
  dns: ['10.0.0.53'],
  instance: 'i1',
};

export function driverOptions(overrides: Partial<DockerDriverOptions> = {}): DockerDriverOptions {
  return {
    ...containerSettings,
    egress: 'internet',
    subnetPool: '10.213.0.0/16',
    readyTimeoutSeconds: 30,
    terminalTransport: 'tcp',
    ...overrides,
  };
}
