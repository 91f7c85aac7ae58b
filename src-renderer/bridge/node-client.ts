// The node API as typed methods: the shared contract client (src-shared/api/contract-client.ts)
// bound to the peer route table, failing with the renderer's ApiError.
import { createContractClient, type ContractApi } from '../../src-shared/api/contract-client.js';
import { peerRoutes } from '../../src-shared/api/peer-routes.js';
import { ApiError } from './api-error.js';
import type { NodeTransport } from './transport.js';

export type NodeApi = ContractApi<typeof peerRoutes>;

export function createNodeClient(transport: NodeTransport): NodeApi {
  return createContractClient(peerRoutes, transport, (code, message) => new ApiError(code, message));
}
