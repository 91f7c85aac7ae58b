// The node API over IPC: one `ipcMain.handle` per method of the contract (src-shared/api/
// ipc-contract.ts), each argument validated with the route's zod schemas, each call refused unless
// it comes from the app's own top frame. Errors travel as data with their catalogue code.
// Electron is only a type here: the main process passes the real ipcMain, tests pass a double.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  callPartsSchema,
  desktopChannel,
  desktopMethodNames,
  desktopMethods,
  EVENT_CHANNEL,
  nodeChannel,
  nodeMethodNames,
  type DesktopMethodName,
  type IpcEvent,
  type IpcResult,
  type NodeMethodName,
} from '../../src-shared/api/ipc-contract.js';
import { peerRoutes, type RouteSpec } from '../../src-shared/api/peer-routes.js';
import { ShoalError } from '../../src-shared/errors.js';
import { errorAnswer } from '../core/api/error-answer.js';
import { parseCallInput } from '../core/api/call-input.js';
import { answersChecked, checkAnswer } from '../core/api/answer-check.js';
import type { NodeApiHandlers } from '../core/api/node-api-handlers.js';

export type DesktopHandlers = {
  [K in DesktopMethodName]: (
    input: z.output<(typeof desktopMethods)[K]['input']>,
  ) => Promise<z.input<(typeof desktopMethods)[K]['output']>>;
};

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The running node's API; a getter, because changing folders restarts the node. */
  nodeApi(): NodeApiHandlers;
  desktop: DesktopHandlers;
  /** Whether a frame at this address is the app itself (app://shoal/…), not a page it was led to. */
  isAppUrl(url: string): boolean;
  logger: Logger;
}

/** Registers every handler; returns the function that removes them all. */
export function registerIpc(o: IpcOptions): () => void {
  const channels: string[] = [];
  const checked = answersChecked();
  const handle = (channel: string, run: (arg: unknown) => unknown) => {
    channels.push(channel);
    o.ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcResult> => {
      try {
        assertAppFrame(event, o.isAppUrl);
        if (args.length !== 1) throw new ShoalError('VALIDATION_FAILED', `An IPC call takes one argument, not ${args.length}.`);
        return { ok: true, value: await run(args[0]) };
      } catch (err) {
        const error = errorAnswer(err, o.logger, { channel });
        return { ok: false, error: { code: error.code, message: error.message, status: error.status } };
      }
    });
  };

  for (const name of nodeMethodNames) {
    handle(nodeChannel(name), async (arg) => {
      const answer = await callNode(o.nodeApi(), name, arg);
      if (checked) checkAnswer(name, peerRoutes[name].response, answer);
      return answer;
    });
  }
  for (const name of desktopMethodNames) {
    const run = o.desktop[name] as (input: unknown) => Promise<unknown>;
    handle(desktopChannel(name), (arg) => run(desktopMethods[name].input.parse(arg)));
  }
  return () => {
    for (const channel of channels) o.ipcMain.removeHandler(channel);
  };
}

/** Validates a call's parts exactly as the HTTP route does, then runs the same handler. */
function callNode(api: NodeApiHandlers, name: NodeMethodName, arg: unknown): unknown {
  const spec: RouteSpec = peerRoutes[name];
  const parts = callPartsSchema.parse(arg ?? {});
  for (const part of ['params', 'query', 'body'] as const) {
    if (parts[part] !== undefined && !spec[part]) throw new ShoalError('VALIDATION_FAILED', `${name} takes no ${part}.`);
  }
  const handler = api[name] as (input: unknown) => unknown;
  return handler(parseCallInput(spec, parts, true));
}

function assertAppFrame(event: IpcMainInvokeEvent, isAppUrl: (url: string) => boolean): void {
  const frame = event.senderFrame;
  // A destroyed frame, a subframe or a page navigated elsewhere never reaches the node.
  if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
    throw new ShoalError('FORBIDDEN_REMOTE', 'This call did not come from the Shoal window.');
  }
}

/** Forwards every node event to the window; returns the unsubscribe function. */
export function forwardEvents(
  bus: { subscribe(listener: (event: IpcEvent) => void): () => void },
  send: (channel: string, event: IpcEvent) => void,
): () => void {
  return bus.subscribe((event) => send(EVENT_CHANNEL, { type: event.type, data: event.data, timestamp: event.timestamp }));
}
