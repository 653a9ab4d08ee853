// LookupEvents' own input rules: the specific exceptions CloudTrail answers with, before the
// generic model validation could turn them into ValidationException.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../protocol/errors.js';
import { precheckLookup, type LookupEventsInput } from './lookup.js';

const code = (input: unknown) => { try { precheckLookup(input as LookupEventsInput); return 'ok'; } catch (e) { return (e as AwsError).code; } };
const attr = (AttributeKey: string, AttributeValue: string, extra: object = {}) => ({ LookupAttributes: [{ AttributeKey, AttributeValue }], ...extra });

test('every documented attribute key passes; an unknown one is left to model validation (ValidationException)', () => {
  for (const k of ['EventId', 'EventName', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']) assert.equal(code(attr(k, 'x')), 'ok', k);
  assert.equal(code(attr('Bogus', 'x')), 'ok');
  assert.equal(code(attr('eventName', 'x', { EventCategory: 'insight' })), 'ok');
});

test('ReadOnly takes only true or false: any other value would have selected the write events', () => {
  assert.equal(code(attr('ReadOnly', 'true')), 'ok');
  assert.equal(code(attr('ReadOnly', 'false')), 'ok');
  for (const v of ['TRUE', 'yes', '1', '']) assert.equal(code(attr('ReadOnly', v)), 'InvalidLookupAttributesException', v);
});

test('Insights events are looked up by EventId, EventName or EventSource only', () => {
  assert.equal(code(attr('EventName', 'x', { EventCategory: 'insight' })), 'ok');
  assert.equal(code(attr('Username', 'x', { EventCategory: 'insight' })), 'InvalidLookupAttributesException');
  assert.equal(code({ EventCategory: 'insight' }), 'ok');
});

test('the existing rules still hold: one attribute, MaxResults 1-50, category insight', () => {
  assert.equal(code({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }), 'InvalidLookupAttributesException');
  assert.equal(code({ MaxResults: 51 }), 'InvalidMaxResultsException');
  assert.equal(code({ EventCategory: 'data' }), 'InvalidEventCategoryException');
  assert.equal(code({}), 'ok');
});
