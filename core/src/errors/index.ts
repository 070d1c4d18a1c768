export * from './admin-errors.js';
export * from './api-errors.js';
