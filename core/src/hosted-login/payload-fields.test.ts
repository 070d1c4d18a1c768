import { describe, expect, it } from 'vitest';
import { payloadFields, payloadFromForm } from './payload-fields.js';

describe('registration fields from a payload schema', () => {
  const profile = {
    type: 'object',
    required: ['given_name', 'plan'],
    properties: {
      given_name: { type: 'string', title: 'First name' },
      birthday: { type: 'string', format: 'date' },
      plan: { type: 'string', enum: ['free', 'pro'] },
      seats: { type: 'integer' },
      newsletter: { type: 'boolean', description: 'Monthly news' },
      address: { type: 'object' },
      'bad name<': { type: 'string' },
    },
  };
  const schema = { type: 'object', properties: { profile, metadata: { type: 'object' } } };

  it('renders what a form can hold, labelled, with the schema’s required list', () => {
    expect(payloadFields(schema)).toEqual([
      { name: 'given_name', label: 'First name', required: true, kind: 'text' },
      { name: 'birthday', label: 'Birthday', required: false, kind: 'date' },
      { name: 'plan', label: 'Plan', required: true, kind: 'select', options: ['free', 'pro'] },
      { name: 'seats', label: 'Seats', required: false, kind: 'number' },
      { name: 'newsletter', label: 'Newsletter', required: false, kind: 'checkbox', description: 'Monthly news' },
    ]);
    expect(payloadFields(null)).toEqual([]);
    // A schema of the profile alone reads the same.
    expect(payloadFields(profile)).toEqual(payloadFields(schema));
  });

  it('turns the posted form into the payload', () => {
    const fields = payloadFields(schema);
    expect(
      payloadFromForm(fields, {
        'payload.given_name': ' Ann ',
        'payload.birthday': '',
        'payload.plan': 'pro',
        'payload.seats': '3',
        'payload.newsletter': 'on',
        'payload.address': 'x',
      }),
    ).toEqual({
      given_name: 'Ann',
      plan: 'pro',
      seats: 3,
      newsletter: true,
    });
    expect(payloadFromForm(fields, { 'payload.seats': 'many' })).toEqual({ seats: 'many', newsletter: false });
  });
});
