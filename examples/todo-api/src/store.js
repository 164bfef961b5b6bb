'use strict';

/** In-memory todo store. Ids are sequential strings so tests are deterministic. */
class TodoStore {
  constructor() {
    this.items = new Map();
    this.nextId = 1;
  }

  create(title) {
    if (typeof title !== 'string' || title.trim() === '') {
      throw new RangeError('title must be a non-empty string');
    }
    const todo = { id: String(this.nextId++), title: title.trim(), done: false };
    this.items.set(todo.id, todo);
    return { ...todo };
  }

  list() {
    return [...this.items.values()].map((t) => ({ ...t }));
  }

  get(id) {
    const todo = this.items.get(id);
    return todo ? { ...todo } : undefined;
  }
}

module.exports = { TodoStore };
