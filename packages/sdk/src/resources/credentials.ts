import type { ActPass } from '../client.js';
import type {
  CredentialDeletion,
  CredentialList,
  CredentialMetadata,
  PutCredentialRequest,
  RequestOptions,
  WithResponse,
} from '../core/types.js';
import {
  CredentialDeletionSchema,
  CredentialListSchema,
  CredentialMetadataSchema,
} from '../schemas/credentials.js';

/** The gateway's credential vault. Values go in and never come back out of these endpoints. */
export class Credentials {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` role. Storing again makes a new version. */
  put(
    name: string,
    params: PutCredentialRequest,
    options?: RequestOptions,
  ): Promise<WithResponse<CredentialMetadata>> {
    const path = `/credentials/${encodeURIComponent(name)}`;
    return this.client.request({
      method: 'PUT',
      path,
      body: params,
      schema: CredentialMetadataSchema,
      options,
    });
  }

  /** Needs the `admin` role. Metadata only. */
  list(options?: RequestOptions): Promise<WithResponse<CredentialList>> {
    return this.client.request({
      method: 'GET',
      path: '/credentials',
      schema: CredentialListSchema,
      options,
    });
  }

  /** Needs the `admin` role. */
  delete(name: string, options?: RequestOptions): Promise<WithResponse<CredentialDeletion>> {
    const path = `/credentials/${encodeURIComponent(name)}`;
    return this.client.request({ method: 'DELETE', path, schema: CredentialDeletionSchema, options });
  }
}
