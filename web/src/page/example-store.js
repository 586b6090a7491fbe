// The person's examples, kept on this device in IndexedDB (through idb) and in memory for answering.
// Nothing here is sent anywhere. Examples made by another build of the model (another fingerprint)
// are embedded again from their pixels when the store opens, and saved so, never mixed in as they were.
import { openDB } from 'idb';
import { prepareExamples, reembed } from '../read/personal.js';

const DATABASE = 'digit-recognition';
const STORE = 'examples';

// Where IndexedDB cannot be opened (storage blocked, some private modes) the examples last as long as the page.
function memoryBackend() {
  const rows = new Map();
  let nextId = 1;
  return {
    persistent: false,
    getAll: async () => [...rows.values()],
    async write(items) {
      for (const item of items) {
        const id = item.id ?? nextId++;
        rows.set(id, { ...item, id });
      }
    },
    delete: async (id) => rows.delete(id),
    clear: async () => rows.clear(),
  };
}

function indexedDbBackend(db) {
  return {
    persistent: true,
    getAll: () => db.getAll(STORE),
    // One transaction: all are stored or, on any failure, none.
    async write(items) {
      const tx = db.transaction(STORE, 'readwrite');
      await Promise.all([...items.map((item) => tx.store.put(item)), tx.done]);
    },
    delete: (id) => db.delete(STORE, id),
    clear: () => db.clear(STORE),
  };
}

// Examples stored before "not a digit" had a `digit`: the same index into the classes as a `label`.
const withLabel = ({ digit, ...example }) => ({ ...example, label: example.label ?? digit });

async function openBackend() {
  try {
    const db = await openDB(DATABASE, 1, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      },
    });
    return indexedDbBackend(db);
  } catch (error) {
    console.warn('IndexedDB unavailable, examples are kept for this page only:', error);
    return memoryBackend();
  }
}

/**
 * Opens the store: {persistent, list(), prepared(), add(examples), remove(id), clear(), onChange(listener)}.
 * `embed(inputs)` gives the current model's embeddings for model inputs; `fingerprint` identifies that model.
 */
export async function openExampleStore({ fingerprint, embed, maxExamples }) {
  const backend = await openBackend();
  const stored = async () => (await backend.getAll()).map(withLabel);
  let examples = await stored();
  const current = await reembed(examples, fingerprint, embed);
  if (current !== examples) {
    await backend.write(current.filter((e, i) => e !== examples[i]));
    examples = current;
  }
  let prepared = prepareExamples(examples);
  const listeners = new Set();
  const changed = async () => {
    examples = await stored();
    prepared = prepareExamples(examples);
    for (const listener of listeners) listener(examples);
  };

  return {
    /** False where the examples cannot outlive the page (no IndexedDB). */
    persistent: backend.persistent,
    /** The examples, oldest first: {id, label (0-9, or 10: not a digit), pixels: Uint8Array, embedding, fingerprint}. */
    list: () => examples,
    /** The examples ready for personal.personalize. */
    prepared: () => prepared,
    /** Adds examples ({label, pixels, embedding?, fingerprint?}) together: all or, on any failure, none. */
    async add(added) {
      if (examples.length + added.length > maxExamples) {
        throw new Error(`${examples.length + added.length} examples would be over the limit of ${maxExamples}`);
      }
      const embedded = await reembed(added, fingerprint, embed);
      await backend.write(embedded.map(({ label, pixels, embedding }) => ({
        label, pixels: Uint8Array.from(pixels), embedding: Array.from(embedding), fingerprint, created: Date.now(),
      })));
      await changed();
    },
    async remove(id) {
      await backend.delete(id);
      await changed();
    },
    async clear() {
      await backend.clear();
      await changed();
    },
    onChange: (listener) => listeners.add(listener),
  };
}
