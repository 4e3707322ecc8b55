// The instructor's password (scrypt hash) and sign-in tokens (SHA-256 hashes) in SQLite: a
// password from the configuration, or one generated at first start and printed once.
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `scrypt$<salt>$<hash>`, both base64url: scrypt's cost is what slows a stolen hash's guesses. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(given, expected);
}

export class InstructorStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /**
   * Sets the password up at start: the configured one replaces what is kept; without one, a
   * kept password stays, and on first start one is generated and returned (to print once).
   */
  async initialise(configured: string | undefined): Promise<{ generated?: string }> {
    const kept = this.db.prepare('SELECT password_hash FROM instructor WHERE id = 1').get();
    if (configured === undefined && kept) return {};
    const password = configured ?? randomBytes(12).toString('base64url');
    if (kept && (await passwordMatches(password, String(kept.password_hash)))) return {};
    this.db
      .prepare(
        'INSERT INTO instructor (id, password_hash, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, created_at = excluded.created_at',
      )
      .run(await hashPassword(password), new Date().toISOString());
    // A new password signs every earlier session out.
    this.db.exec('DELETE FROM instructor_tokens');
    return configured === undefined ? { generated: password } : {};
  }

  async verify(password: string): Promise<boolean> {
    const kept = this.db.prepare('SELECT password_hash FROM instructor WHERE id = 1').get();
    return kept ? passwordMatches(password, String(kept.password_hash)) : false;
  }

  /**
   * A browser's proof that it signed in before: `<id>.<HMAC of the id>`, keyed by the password's
   * hash, so it needs no table and a new password voids every one.
   */
  issueDeviceToken(): string | undefined {
    const id = randomBytes(16).toString('base64url');
    const mac = this.#deviceMac(id);
    return mac ? `${id}.${mac}` : undefined;
  }

  /** The id of a device token made by issueDeviceToken with the current password, else undefined. */
  deviceOf(token: string | undefined): string | undefined {
    const [id, mac, extra] = (token ?? '').split('.');
    if (!id || !mac || extra !== undefined || id.length > 64) return undefined;
    const expected = Buffer.from(this.#deviceMac(id) ?? '');
    const given = Buffer.from(mac);
    return expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }

  #deviceMac(id: string): string | undefined {
    const kept = this.db.prepare('SELECT password_hash FROM instructor WHERE id = 1').get();
    if (!kept) return undefined;
    return createHmac('sha256', String(kept.password_hash)).update(`appareil:${id}`).digest('base64url');
  }

  issueToken(lifetimeSeconds: number): { token: string; expiresAt: Date } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + lifetimeSeconds * 1000);
    this.db.prepare('DELETE FROM instructor_tokens WHERE expires_at < ?').run(new Date().toISOString());
    this.db
      .prepare('INSERT INTO instructor_tokens (token_hash, expires_at) VALUES (?, ?)')
      .run(hashToken(token), expiresAt.toISOString());
    return { token, expiresAt };
  }

  /** The token's expiry when it is valid now. */
  tokenExpiry(token: string): Date | undefined {
    const row = this.db.prepare('SELECT expires_at FROM instructor_tokens WHERE token_hash = ?').get(hashToken(token));
    if (!row) return undefined;
    const expiresAt = new Date(String(row.expires_at));
    return expiresAt.getTime() > Date.now() ? expiresAt : undefined;
  }

  revokeToken(token: string): void {
    this.db.prepare('DELETE FROM instructor_tokens WHERE token_hash = ?').run(hashToken(token));
  }
}
