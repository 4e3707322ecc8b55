// Unit tests of the configuration: defaults, sizes, one readable French error for bad values.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedOrigins, ConfigError, instanceId, loadConfig } from '../../../../server/config/config.ts';
import { terminalTransport } from '../../../../server/sandbox/terminal-transport.ts';

describe('loadConfig', () => {
  it('has defaults that work on one machine', () => {
    const config = loadConfig({});
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.PORT).toBe(4321);
    expect(config.SANDBOX_MEMORY).toBe(3584 * 1024 ** 2);
    expect(config.SANDBOX_DISK).toBe(2560 * 1024 ** 2);
    expect(config.SESSION_LIFETIME).toBe(7200);
    expect(config.SESSION_IDLE_TIMEOUT).toBe(1800);
    expect(config.BUILD_IMAGES).toBe(true);
    // Folders default to the project's own, wherever the config module sits.
    const root = path.resolve(import.meta.dirname, '../../../..');
    expect(config.SITE_DIR).toBe(path.join(root, 'dist'));
    expect(config.LABS_DIR).toBe(path.join(root, 'labs'));
    expect(config.DATA_DIR).toBe(path.join(root, 'data'));
  });

  it('runs sandboxes on one engine unless told a swarm, whose nodes it reaches on 2376 with an MTU for VXLAN', () => {
    const one = loadConfig({});
    expect(one.SANDBOX_DRIVER).toBe('docker');
    const swarm = loadConfig({ SANDBOX_DRIVER: 'swarm', SWARM_OVERLAY_MTU: '1350' });
    expect(swarm).toMatchObject({ SANDBOX_DRIVER: 'swarm', SWARM_NODE_PORT: 2376, SWARM_OVERLAY_MTU: 1350 });
    expect(() => loadConfig({ SANDBOX_DRIVER: 'kubernetes' })).toThrow(/SANDBOX_DRIVER/);
    expect(() => loadConfig({ SWARM_OVERLAY_MTU: '100' })).toThrow(/SWARM_OVERLAY_MTU/);
    // A swarm service cannot be privileged: asked anyway, it is refused, not silently dropped.
    expect(() => loadConfig({ SANDBOX_DRIVER: 'swarm', SANDBOX_PRIVILEGED: 'true' })).toThrow(
      /SANDBOX_PRIVILEGED : impossible avec SANDBOX_DRIVER=swarm/,
    );
  });

  it('lets sandboxes on a swarm out to host names only, never to an address', () => {
    expect(loadConfig({}).SWARM_EGRESS_HOSTS).toBe('deb.debian.org');
    const two = loadConfig({ SWARM_EGRESS_HOSTS: 'deb.debian.org,security.debian.org' });
    expect(two.SWARM_EGRESS_HOSTS).toBe('deb.debian.org,security.debian.org');
    for (const refused of [
      '10.217.0.11',
      'deb.debian.org,169.254.169.254',
      '*.debian.org',
      'deb.debian.org/x',
      'localhost',
    ]) {
      expect(() => loadConfig({ SWARM_EGRESS_HOSTS: refused }), refused).toThrow(/SWARM_EGRESS_HOSTS/);
    }
  });

  it('reads sizes and booleans', () => {
    const config = loadConfig({ SANDBOX_MEMORY: '4G', SANDBOX_DISK: '1536m', SANDBOX_PRIVILEGED: '1' });
    expect(config.SANDBOX_MEMORY).toBe(4 * 1024 ** 3);
    expect(config.SANDBOX_DISK).toBe(1536 * 1024 ** 2);
    expect(config.SANDBOX_PRIVILEGED).toBe(true);
  });

  it('lists every bad variable in one French error', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', SANDBOX_EGRESS: 'partout', MAX_SESSIONS: '0' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/Configuration invalide/);
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/SANDBOX_EGRESS/);
    expect(message).toMatch(/MAX_SESSIONS/);
  });

  it('refuses a disk that would not fit in the sandbox memory', () => {
    expect(() => loadConfig({ SANDBOX_MEMORY: '1g', SANDBOX_DISK: '2g' })).toThrow(/SANDBOX_MEMORY : trop petit/);
  });

  it('derives a stable instance id from the data folder', () => {
    const a = instanceId(loadConfig({ DATA_DIR: '/tmp/a' }));
    expect(a).toBe(instanceId(loadConfig({ DATA_DIR: '/tmp/a' })));
    expect(a).not.toBe(instanceId(loadConfig({ DATA_DIR: '/tmp/b' })));
    expect(instanceId(loadConfig({ INSTANCE_ID: 'salle-12' }))).toBe('salle-12');
  });

  it('allows the server’s own origins and the configured ones', () => {
    const origins = allowedOrigins(loadConfig({ PORT: '8080', ALLOWED_ORIGINS: 'https://cours.example/' }));
    expect(origins.has('http://localhost:8080')).toBe(true);
    expect(origins.has('https://cours.example')).toBe(true);
    expect(origins.has('http://evil.example')).toBe(false);
  });
});

describe('terminalTransport', () => {
  it('has the relay dial a unix socket when the engine is on this machine', () => {
    expect(terminalTransport('auto', undefined)).toBe('unix');
    expect(terminalTransport('auto', 'unix:///var/run/docker.sock')).toBe('unix');
  });

  it('goes through docker exec for an engine elsewhere', () => {
    expect(terminalTransport('auto', 'tcp://10.0.0.5:2376')).toBe('exec');
    expect(terminalTransport('auto', 'ssh://prof@serveur')).toBe('exec');
  });

  it('does what it is told', () => {
    expect(terminalTransport('exec', undefined)).toBe('exec');
    expect(terminalTransport('tcp', 'tcp://10.0.0.5:2376')).toBe('tcp');
    expect(terminalTransport('unix', undefined)).toBe('unix');
  });
});
