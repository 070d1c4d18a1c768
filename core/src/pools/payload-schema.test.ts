import { describe, expect, it } from 'vitest';
import { checkAgainstSchema, compilePayloadSchema } from './payload-schema.js';

const schema = {
  type: 'object',
  properties: { profile: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } } } },
};

describe('payload schemas', () => {
  it('compiles a schema once (the same function for an equal schema)', () => {
    expect(compilePayloadSchema(schema)).toBe(compilePayloadSchema(JSON.parse(JSON.stringify(schema))));
  });

  it('names the failing path: a missing property, a wrong type, a format', () => {
    expect(checkAgainstSchema(schema, { profile: {}, metadata: {} })).toEqual({ path: '/profile/name', message: 'is required' });
    expect(checkAgainstSchema(schema, { profile: { name: 1 }, metadata: {} })?.path).toBe('/profile/name');
    expect(checkAgainstSchema(schema, { profile: { name: 'a', email: 'nope' }, metadata: {} })?.path).toBe('/profile/email');
    expect(checkAgainstSchema(schema, { profile: { name: 'a' }, metadata: {} })).toBeNull();
  });

  it('refuses invalid schemas and unknown keywords', () => {
    expect(() => compilePayloadSchema({ type: 'object', requierd: ['x'] })).toThrow(/unknown keyword/);
    expect(() => compilePayloadSchema({ type: 'nothing' })).toThrow();
  });

  it('keeps answering past its cache size (an evicted schema is compiled again)', () => {
    for (let n = 0; n < 250; n++) compilePayloadSchema({ type: 'object', properties: { [`p${n}`]: { type: 'string' } } });
    expect(checkAgainstSchema({ type: 'object', properties: { p0: { type: 'string' } } }, { profile: {}, metadata: {} })).toBeNull();
  });

  it('compiles schemas carrying an $id more than once without a clash', () => {
    const withId = { $id: 'https://example.com/s', type: 'object' };
    compilePayloadSchema(withId);
    expect(() => compilePayloadSchema({ ...withId, required: ['profile'] })).not.toThrow();
  });
});
