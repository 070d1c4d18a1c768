// Filled in by the foundation: provisions the test database once per run.
export default function setup(): void {}
