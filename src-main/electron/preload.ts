/**
 * The preload: exposes exactly one object, `window.pos` (style.md "Renderer"), never ipcRenderer itself.
 * Sandboxed preloads may only require 'electron'; this file is bundled to CommonJS with nothing else in it.
 * The channel names are repeated here (not imported from shell.ts) so the bundle does not pull in main-
 * process code.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

type HostEvent = { event: string; payload: unknown };

const pos = {
  call(command: string, input: unknown): Promise<unknown> {
    return ipcRenderer.invoke('pos:call', { command, input });
  },
  onEvent(listener: (event: HostEvent) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, event: HostEvent) => listener(event);
    ipcRenderer.on('pos:event', wrapped);
    return () => ipcRenderer.removeListener('pos:event', wrapped);
  },
};

contextBridge.exposeInMainWorld('pos', pos);
