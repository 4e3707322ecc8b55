// The layer explorer's routes on the fake driver (no engine): a crafted save stream is refused
// with a French 422 while the server keeps answering, a refused image is not saved again, and a
// layer's files are listed within the answer's bound of path bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';
import { crafted, saveOf } from '../../../fixtures/layer-tars.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function withSession(): Promise<{ fixture: Fixture; id: string; token: string }> {
  fixture = await appFixture();
  const created = await fixture.app.inject({ method: 'POST', url: '/api/sessions', payload: { lab: 'bac-a-sable' } });
  expect(created.statusCode).toBe(201);
  const { id, token } = created.json<{ id: string; token: string }>();
  return { fixture, id, token };
}

/** The next image the fake sandbox saves: `docker image inspect` answers its id, then `docker save` streams it. */
function nextImage(fixture: Fixture, id: string, save: Buffer): void {
  fixture.driver.nextExec = { stdout: `sha256:${id} ${save.length}\n`, exitCode: 0 };
  const chunks = Array.from({ length: Math.ceil(save.length / 65536) }, (_, i) =>
    save.subarray(i * 65536, (i + 1) * 65536),
  );
  fixture.driver.nextStream = { chunks, exitCode: 0 };
}

const saves = (fixture: Fixture) => fixture.driver.execs.filter((e) => e.command[1] === 'save').length;

describe('the layer explorer’s routes', () => {
  it('refuse 4000 files 1400 folders deep with a French 422, and do not save the image again', async () => {
    const { fixture, id, token } = await withSession();
    nextImage(fixture, 'profond', crafted(1400, 4000));
    const headers = { authorization: `Bearer ${token}` };
    const res = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}/images/couches%3Aprofond/layers`,
      headers,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ error: string }>().error).toBe(
      'Image trop complexe pour l’explorateur de couches : un de ses chemins a 129 niveaux de dossiers, quand l’explorateur en lit 128 au plus. Examinez-la plutôt dans le terminal, avec « docker history couches:profond ».',
    );
    expect(saves(fixture)).toBe(1);
    const files = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}/images/couches%3Aprofond/layers/0`,
      headers,
    });
    expect(files.statusCode).toBe(422);
    expect(saves(fixture)).toBe(1);
  });

  it('list a layer’s files up to 1 MB of paths, and say the list is truncated', async () => {
    const { fixture, id, token } = await withSession();
    const folder = Array.from({ length: 120 }, () => 'dossier-au-nom-de-31-caracteres').join('/');
    nextImage(
      fixture,
      'large',
      saveOf([Array.from({ length: 1000 }, (_, n) => ({ name: `${folder}/f${n}`, size: 1 }))]),
    );
    const headers = { authorization: `Bearer ${token}` };
    const layers = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}/images/couches%3Alarge/layers`,
      headers,
    });
    expect(layers.statusCode).toBe(200);
    expect(layers.json<{ layers: { added: number }[] }>().layers[0]?.added).toBe(1000);
    const res = await fixture.app.inject({
      method: 'GET',
      url: `/api/sessions/${id}/images/couches%3Alarge/layers/0`,
      headers,
    });
    const body = res.json<{ files: { path: string }[]; truncated: boolean }>();
    // 3.8 KB a path: 1 MB holds 272 of them.
    expect(body.files.length).toBe(Math.floor((1024 * 1024) / (folder.length + 5)));
    expect(body.truncated).toBe(true);
  });
});
