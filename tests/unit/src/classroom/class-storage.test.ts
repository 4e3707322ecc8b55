// Unit tests of class-storage.ts: joining swaps the learner key for the class key (keeping the
// personal one), forgets saved sessions; leaving brings the personal key back.
import { describe, expect, it } from 'vitest';
import type { ClassJoined } from '../../../../shared/contract.ts';
import {
  classStorage,
  currentClass,
  dismissMessage,
  enterClass,
  leaveClass,
  learnerKeyStorage,
  messageDismissed,
  personalKeyStorage,
  presentingClass,
  presentingStorage,
  takeNewGoto,
  updateClass,
} from '../../../../src/classroom/class-storage.ts';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const info = {
  id: '0123456789abcdef',
  code: 'DKR-7Q4P',
  title: 'Docker mardi',
  deck: 'images-de-conteneurs',
  labs: ['tp-images'],
  endsAt: '2025-01-01T18:00:00.000Z',
};
const joined = (key: string, id = info.id): ClassJoined => ({
  learner: 'learner-1',
  key,
  name: 'Alice',
  class: { ...info, id },
  recoveryCode: 'ABCD-EFGH-JKMN',
});

describe('class storage', () => {
  it('puts the personal key aside and drops saved sessions on join', () => {
    const store = new MemoryStorage();
    store.setItem(learnerKeyStorage, 'personal');
    store.setItem('cours-docker:session:tp-images', '{}');
    store.setItem('cours-docker:session:bac-a-sable', '{}');
    store.setItem('cours-docker:progress:tp-images', '{}');
    const stored = enterClass(joined('class-key'), store);
    expect(stored).toMatchObject({ id: info.id, name: 'Alice', learner: 'learner-1' });
    expect(store.getItem(learnerKeyStorage)).toBe('class-key');
    expect(store.getItem(personalKeyStorage)).toBe('personal');
    expect(store.getItem('cours-docker:session:tp-images')).toBeNull();
    expect(store.getItem('cours-docker:session:bac-a-sable')).toBeNull();
    expect(store.getItem('cours-docker:progress:tp-images')).toBe('{}');
    expect(currentClass(store)?.title).toBe('Docker mardi');
  });

  it('keeps the personal key when going from one class to another', () => {
    const store = new MemoryStorage();
    store.setItem(learnerKeyStorage, 'personal');
    enterClass(joined('class-a'), store);
    enterClass(joined('class-b', 'fedcba9876543210'), store);
    expect(store.getItem(personalKeyStorage)).toBe('personal');
    leaveClass(store);
    expect(store.getItem(learnerKeyStorage)).toBe('personal');
    expect(store.getItem(personalKeyStorage)).toBeNull();
    expect(store.getItem(classStorage)).toBeNull();
  });

  it('leaves no key behind when there was no personal one', () => {
    const store = new MemoryStorage();
    enterClass(joined('class-key'), store);
    store.setItem('cours-docker:session:tp-images', '{}');
    leaveClass(store);
    expect(store.getItem(learnerKeyStorage)).toBeNull();
    expect(store.getItem('cours-docker:session:tp-images')).toBeNull();
    expect(currentClass(store)).toBeNull();
  });

  it('ignores a damaged class entry', () => {
    const store = new MemoryStorage();
    store.setItem(classStorage, '{"id": 3');
    expect(currentClass(store)).toBeNull();
    store.setItem(classStorage, '{"id":"x"}');
    expect(currentClass(store)).toBeNull();
  });

  it('refreshes the class info of the same class only', () => {
    const store = new MemoryStorage();
    enterClass(joined('k'), store);
    updateClass({ ...info, title: 'Nouveau titre', name: 'Alice' }, store);
    expect(currentClass(store)).toMatchObject({ title: 'Nouveau titre', learner: 'learner-1' });
    updateClass({ ...info, id: 'ffffffffffffffff', title: 'Autre', name: 'Bob' }, store);
    expect(currentClass(store)?.title).toBe('Nouveau titre');
  });

  it('follows each « go to this step » once, and remembers dismissed messages', () => {
    const store = new MemoryStorage();
    expect(takeNewGoto(info.id, '2025-01-01T10:00:00Z', store)).toBe(true);
    expect(takeNewGoto(info.id, '2025-01-01T10:00:00Z', store)).toBe(false);
    expect(takeNewGoto(info.id, '2025-01-01T10:05:00Z', store)).toBe(true);
    expect(messageDismissed(info.id, 'm1', store)).toBe(false);
    dismissMessage(info.id, 'm1', store);
    expect(messageDismissed(info.id, 'm1', store)).toBe(true);
    expect(messageDismissed(info.id, 'm2', store)).toBe(false);
  });

  it('reads the presented class only when its id has the contract’s shape', () => {
    const store = new MemoryStorage();
    expect(presentingClass(store)).toBeNull();
    store.setItem(presentingStorage, JSON.stringify({ classId: info.id }));
    expect(presentingClass(store)).toBe(info.id);
    store.setItem(presentingStorage, JSON.stringify({ classId: '../../api' }));
    expect(presentingClass(store)).toBeNull();
    store.setItem(presentingStorage, 'pas du JSON');
    expect(presentingClass(store)).toBeNull();
  });
});
