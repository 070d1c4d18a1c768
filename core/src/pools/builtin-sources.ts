import auth0 from '@tributary/plugin-auth0';
import cognito from '@tributary/plugin-cognito';
import firebase from '@tributary/plugin-firebase';
import type { PoolSource } from '@tributary/plugin-kit';
import oidc from '@tributary/plugin-oidc';

/** Source plugins that ship with Tributary. Third-party ones come from TRIBUTARY_PLUGINS. */
export const builtinSources: PoolSource[] = [cognito, auth0, firebase, oidc];
