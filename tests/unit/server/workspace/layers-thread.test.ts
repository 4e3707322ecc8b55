// Unit tests of the layer explorer's threads (no engine): a synthetic `docker save` stream is
// explored off the main thread; an image crafted deep is refused while the event loop stays
// free; a thread stuck or too slow is ended and replaced; sessions take turns.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { exploreSaveStream, ImageTooComplexError } from '../../../../server/workspace/layers.ts';
import { crafted, saveOf } from '../../fixtures/layer-tars.ts';
import {
  ExplorerBusyError,
  ExplorerCrashError,
  LayerExplorerThreads,
  maxWaitingPerSession,
} from '../../../../server/workspace/layers-thread.ts';

/** Chunks of 64 KB, as `docker exec` hands them over. */
const streamOf = (bytes: Buffer) => () =>
  Promise.resolve(
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536)),
    ),
  );

/** The longest the event loop was held while `work` ran, in ms (a timer every 5 ms). */
async function longestStall<T>(work: Promise<T>): Promise<{ result: PromiseSettledResult<T>; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const [result] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { result: result as PromiseSettledResult<T>, stall };
}

let threads: LayerExplorerThreads | undefined;
afterEach(async () => {
  await threads?.close();
  threads = undefined;
});

describe('the layer explorer’s threads', () => {
  it('explore a save stream off the main thread, as the main thread would', async () => {
    threads = new LayerExplorerThreads();
    const save = saveOf([
      [
        { name: 'var/lib/apt/lists/', type: 'directory' },
        { name: 'var/lib/apt/lists/InRelease', size: 1500 },
      ],
      [{ name: 'var/lib/apt/lists/.wh..wh..opq' }, { name: 'usr/bin/apache2', size: 700 }],
    ]);
    const image = await threads.explore('s1', streamOf(save));
    expect(image).toEqual(await exploreSaveStream(Readable.from([save])));
    expect(image.layers[0]).toMatchObject({ instruction: 'RUN couche 0', wastedBytes: 1500 });
    expect(image.layers[1]).toMatchObject({ added: 1, removed: 1 });
    expect(threads.started).toBe(1);
  });

  it('refuses 4000 files 1400 folders deep with the depth found, the event loop free meanwhile', async () => {
    threads = new LayerExplorerThreads();
    const save = crafted(1400, 4000);
    // Warm: the first exploration also loads the thread.
    await threads.explore('s0', streamOf(saveOf([[{ name: 'a', size: 1 }]])));
    const { result, stall } = await longestStall(threads.explore('s1', streamOf(save)));
    console.log(
      `crafted image (1400 levels, 4000 files, ${save.length} bytes): event loop held ${Math.round(stall)} ms at most`,
    );
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as ImageTooComplexError;
    expect(error).toBeInstanceOf(ImageTooComplexError);
    expect(error).toMatchObject({ reason: 'depth', value: 129 });
    // Generous for a busy machine: the old explorer held the loop for seconds.
    expect(stall).toBeLessThan(500);
  });

  it('explores 4000 files 100 folders deep (within the bounds) without holding the event loop', async () => {
    threads = new LayerExplorerThreads();
    const save = crafted(100, 4000);
    await threads.explore('s0', streamOf(saveOf([[{ name: 'a', size: 1 }]])));
    const { result, stall } = await longestStall(threads.explore('s1', streamOf(save)));
    console.log(
      `deep image within the bounds (100 levels, 4000 files): event loop held ${Math.round(stall)} ms at most`,
    );
    expect(result).toMatchObject({ status: 'fulfilled', value: { layers: [{ added: 4000 }] } });
    expect(stall).toBeLessThan(500);
  });

  it('ends a thread stuck on an image, answers it too slow, and explores the next in a new thread', async () => {
    threads = new LayerExplorerThreads({ stallMs: 300 });
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    await expect(threads.explore('s1', streamOf(save), { spinMs: 60_000 })).rejects.toMatchObject({
      name: 'ImageTooComplexError',
      reason: 'slow',
      value: 300,
    });
    await expect(threads.explore('s1', streamOf(save))).resolves.toMatchObject({ layers: [{ added: 1 }] });
    expect(threads.started).toBe(2);
  });

  it('ends an exploration past its deadline, even one whose stream never ends', async () => {
    threads = new LayerExplorerThreads({ deadlineMs: 500 });
    const never = () => Promise.resolve(new Readable({ read() {} }));
    await expect(threads.explore('s1', never)).rejects.toMatchObject({ reason: 'slow', value: 500 });
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    await expect(threads.explore('s2', streamOf(save))).resolves.toBeDefined();
  });

  it('answers a thread that died, and explores the next in a new thread', async () => {
    threads = new LayerExplorerThreads();
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    await expect(threads.explore('s1', streamOf(save), { crash: true })).rejects.toBeInstanceOf(ExplorerCrashError);
    await expect(threads.explore('s1', streamOf(save))).resolves.toBeDefined();
  });

  it('frees the thread when a save stream fails midway, for the next exploration', async () => {
    threads = new LayerExplorerThreads({ threads: 1 });
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    const failing = () => {
      const source = new Readable({ read() {} });
      source.push(save.subarray(0, 1024));
      setTimeout(() => source.destroy(new Error('docker exec cut')), 50);
      return Promise.resolve(source);
    };
    await expect(threads.explore('a', failing)).rejects.toThrow('docker exec cut');
    await expect(threads.explore('b', streamOf(save))).resolves.toMatchObject({ layers: [{ added: 1 }] });
  });

  it('lets sessions take turns: one session’s explorations wait behind another’s first', async () => {
    threads = new LayerExplorerThreads({ threads: 1 });
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    const order: string[] = [];
    const opened = (name: string) => () => {
      order.push(name);
      return streamOf(save)();
    };
    const a = [
      threads.explore('a', opened('a1')),
      threads.explore('a', opened('a2')),
      threads.explore('a', opened('a3')),
    ];
    const b = threads.explore('b', opened('b1'));
    await Promise.all([...a, b]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('refuses more explorations waiting for one session than it keeps', async () => {
    threads = new LayerExplorerThreads({ threads: 1 });
    const save = saveOf([[{ name: 'bin/sh', size: 10 }]]);
    const first = threads.explore('a', () => Promise.resolve(new Readable({ read() {} })));
    const waiting = Array.from({ length: maxWaitingPerSession }, () => threads?.explore('a', streamOf(save)));
    const settled = Promise.allSettled([first, ...waiting]);
    await expect(threads.explore('a', streamOf(save))).rejects.toBeInstanceOf(ExplorerBusyError);
    // Another session is not refused.
    const other = threads.explore('b', streamOf(save)).catch((error: unknown) => error);
    await threads.close();
    expect(await other).toBeInstanceOf(ExplorerCrashError);
    await settled;
  });
});
