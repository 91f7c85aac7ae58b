// Tests call nodes through the same typed client nodes use between them (contract-transport.ts),
// bound to one node: paths, params and answers come from the route table, so a test neither
// hand-types a path nor casts an answer, and a drifting answer fails as UNEXPECTED_ANSWER.
import { createContractClient, type ContractApi, type RouteTable } from '../../src-shared/api/contract-client.js';
import { contractTransport, NodeCallError } from '../../src-main/core/net/contract-transport.js';
import { NodeDialer } from '../../src-main/core/net/node-dialer.js';

/** Answers a test reads are bounded only to keep a broken node from eating the run's memory. */
const TEST_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * One dialer for every client a test file makes, as a node has one: a dialer keeps its idle
 * connections a few seconds, so a client made per call (a poll makes one every few milliseconds)
 * left a connection open each time, and a peer's limit of 32 connections per address answered
 * 429 TOO_MANY_CONNECTIONS mid-test. Shared, a poll reuses the same connection.
 */
const dialer = new NodeDialer(null);

/** A client of `routes` at `address` (`http://host:port` or `host:port`), with the control token when given. */
export function typedClient<Routes extends RouteTable>(routes: Routes, address: string, token?: string): ContractApi<Routes> {
  const transport = contractTransport(routes, dialer);
  const options = { address, token, maxBytes: TEST_ANSWER_BYTES, timeoutMs: 30_000 };
  return createContractClient(routes, { invoke: (route, parts) => transport.invoke(route, parts, options) }, (code, message) => new NodeCallError(0, code, message));
}
