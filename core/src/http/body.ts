import express from 'express';

/** The end-user API's bodies: JSON or a form (OAuth's token endpoint is form-encoded), small. */
export const endUserBody = [express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' })];
