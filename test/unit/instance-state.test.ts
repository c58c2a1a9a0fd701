import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidTransitionError, StateMachine, type InstanceState } from '../../src/invoke/instance-state.js';

const walk = (...states: InstanceState[]) => {
  const seen: string[] = [];
  const m = new StateMachine((from, to) => seen.push(`${from}>${to}`));
  for (const s of states) m.to(s);
  return { m, seen };
};

test('the life of an instance: start, park, freeze, serve, return, park again, die', () => {
  const { m, seen } = walk('parked', 'frozen', 'busy', 'returning', 'parked', 'busy', 'parked', 'dying', 'dead');
  assert.equal(m.state, 'dead');
  assert.deepEqual(seen, ['starting>parked', 'parked>frozen', 'frozen>busy', 'busy>returning', 'returning>parked', 'parked>busy', 'busy>parked', 'parked>dying', 'dying>dead']);
});

test('only a runtime parked on /next (frozen or not) may take an invocation', () => {
  const available = (...path: InstanceState[]) => walk(...path).m.available;
  assert.equal(available(), false, 'starting');
  assert.equal(available('parked'), true);
  assert.equal(available('parked', 'frozen'), true);
  assert.equal(available('parked', 'busy'), false);
  assert.equal(available('parked', 'busy', 'returning'), false, 'between its response and its next /next');
  assert.equal(available('parked', 'dying'), false);
  for (const path of [[], ['parked', 'busy'], ['parked', 'busy', 'returning'], ['parked', 'dying'], ['parked', 'dying', 'dead']] as InstanceState[][]) {
    assert.throws(() => walk(...path, 'busy'), InvalidTransitionError, `${path.join('>') || 'starting'} > busy`);
  }
});

test('transitions the table does not list are refused, and change nothing', () => {
  const refused: [InstanceState[], InstanceState][] = [
    [[], 'frozen'],
    [[], 'returning'],
    [['parked'], 'returning'],
    [['parked', 'frozen'], 'parked'],
    [['parked', 'frozen'], 'returning'],
    [['parked', 'busy', 'returning'], 'frozen'],
    [['parked', 'dying'], 'parked'],
    [['parked', 'dying', 'dead'], 'dying'],
    [['dying'], 'dying'],
  ];
  for (const [path, to] of refused) {
    const { m } = walk(...path);
    const before = m.state;
    assert.equal(m.can(to), false, `${before} > ${to}`);
    assert.throws(() => m.to(to), InvalidTransitionError);
    assert.equal(m.state, before);
  }
});

test('every state can reach dying except dying and dead, and only dying reaches dead', () => {
  for (const path of [[], ['parked'], ['parked', 'frozen'], ['parked', 'busy'], ['parked', 'busy', 'returning']] as InstanceState[][]) {
    const { m } = walk(...path);
    assert.equal(m.can('dying'), true, m.state);
    assert.equal(m.can('dead'), false, m.state);
    m.to('dying');
    assert.equal(m.ending, true);
  }
});
