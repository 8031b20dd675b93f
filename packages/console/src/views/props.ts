/** What every view is given: the API client and the roles of the signed-in key. */
import type { ApiClient } from '../api/client.js';

export interface ViewProps {
  api: ApiClient;
  /** The signed-in key's roles (empty when the gateway could not say); actions are offered by role. */
  roles: readonly string[];
}
