// Runs sandboxed, before the page: puts exactly the contract's calls and events on
// window.studio, each going through one IPC channel that the main process validates again.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type StudioBridge } from './ipc/bridge';
import { callNames, isEventName } from './ipc/contract-names';

const calls = Object.fromEntries(
  callNames.map((name) => [name, (args: unknown) => ipcRenderer.invoke(IPC_CALL_CHANNEL, name, args)]),
) as StudioBridge['calls'];

const bridge: StudioBridge = {
  calls,
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
