import type { PoolSource } from '@tributary/plugin-kit';

/** Source plugins that ship with Tributary. Third-party ones come from TRIBUTARY_PLUGINS. */
export const builtinSources: PoolSource[] = [];
