// Tests call nodes through the same typed client nodes use between them (contract-transport.ts),
// bound to one node: paths, params and answers come from the route table, so a test neither
// hand-types a path nor casts an answer, and a drifting answer fails as UNEXPECTED_ANSWER.
import { createContractClient, type ContractApi, type RouteTable } from '../../src-shared/api/contract-client.js';
import { contractTransport, NodeCallError } from '../../src-main/core/net/contract-transport.js';
import { NodeDialer } from '../../src-main/core/net/node-dialer.js';

/** Answers a test reads are bounded only to keep a broken node from eating the run's memory. */
const TEST_ANSWER_BYTES = 64 * 1024 * 1024;

/** A client of `routes` at `address` (`http://host:port` or `host:port`), with the control token when given. */
export function typedClient<Routes extends RouteTable>(routes: Routes, address: string, token?: string): ContractApi<Routes> {
  const transport = contractTransport(routes, new NodeDialer(null));
  const options = { address, token, maxBytes: TEST_ANSWER_BYTES, timeoutMs: 30_000 };
  return createContractClient(routes, { invoke: (route, parts) => transport.invoke(route, parts, options) }, (code, message) => new NodeCallError(0, code, message));
}
