'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { TodoStore } = require('../src/store');

test('creates todos with sequential ids', () => {
  const store = new TodoStore();
  assert.deepStrictEqual(store.create('write spec'), { id: '1', title: 'write spec', done: false });
  assert.strictEqual(store.create('ship').id, '2');
});

test('rejects an empty title', () => {
  assert.throws(() => new TodoStore().create('  '), RangeError);
});
