/** Webhook endpoints and their delivery log: the admin's operations. */
import { type DeliveryStatus, publicDelivery, publicEndpoint } from '../../notifications/index.js';
import { caller, type OperationSpec } from '../types.js';

export const listWebhooks: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const endpoints = context.services.notifications.listEndpoints(caller(context).tenantId);
    return { status: 200, body: { items: endpoints.map(publicEndpoint) } };
  },
};

export const getWebhook: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const endpoint = context.services.notifications.getEndpoint(
      caller(context).tenantId,
      context.params.id as string,
    );
    return { status: 200, body: publicEndpoint(endpoint) };
  },
};

export const putWebhook: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { services } = context;
    const tenantId = caller(context).tenantId;
    // Sealed in the ledger (who pointed approvals where), never with the secret or the whole URL.
    const { endpoint, generatedSecret } = await services.notifications.putEndpoint(
      tenantId,
      context.params.id as string,
      context.body,
      async (data) => {
        await services.stores.ledger.append(tenantId, { type: 'webhook.configured', data });
      },
    );
    // The one response that carries a secret: the gateway made it, and nobody else knows it yet.
    const body = generatedSecret
      ? { ...publicEndpoint(endpoint), secret: generatedSecret }
      : publicEndpoint(endpoint);
    return { status: 200, body };
  },
};

export const deleteWebhook: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { services } = context;
    const tenantId = caller(context).tenantId;
    const id = context.params.id as string;
    await services.notifications.deleteEndpoint(tenantId, id, async (data) => {
      await services.stores.ledger.append(tenantId, { type: 'webhook.deleted', data });
    });
    return { status: 200, body: { id, deleted: true } };
  },
};

export const listWebhookDeliveries: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const deliveries = context.services.notifications.listDeliveries(caller(context).tenantId, {
      status: context.query.status as DeliveryStatus | undefined,
      webhookId: context.query.webhook_id as string | undefined,
      limit: context.query.limit as number,
    });
    return { status: 200, body: { items: deliveries.map(publicDelivery) } };
  },
};

export const retryWebhookDelivery: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const delivery = context.services.notifications.retryDelivery(
      caller(context).tenantId,
      context.params.id as string,
    );
    return { status: 200, body: publicDelivery(delivery) };
  },
};
